package spool

import (
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The journal is where Put makes requests durable: files in journal/, each
// a run of records, appended a batch at a time and fdatasynced once per
// batch. A record is
//
//	magic "PSJ1" | name length (2 bytes) | data length (4) | CRC-32C (4) | name | data
//
// lengths big-endian, the checksum over the header's first 10 bytes, the
// name and the data. A file is read from its start up to the first record
// that is short, has another magic or fails its checksum: the tail a crash
// left mid-batch, whose Puts never returned.
const (
	journalMagic = "PSJ1"
	headerLen    = 14
	// maxRecord bounds a record's data when reading, so a corrupt length
	// cannot make the reader allocate gigabytes. Requests are far smaller.
	maxRecord = 16 << 20
)

// maxSegment is the size past which the next batch starts a new journal
// file, so that one whose requests are all claimed can go. A variable for
// tests.
var maxSegment int64 = 4 << 20

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendRecord appends the record of name and data to buf.
func appendRecord(buf []byte, name string, data []byte) []byte {
	start := len(buf)
	buf = append(buf, journalMagic...)
	buf = binary.BigEndian.AppendUint16(buf, uint16(len(name)))
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(data)))
	buf = append(buf, 0, 0, 0, 0) // checksum, filled in below
	buf = append(buf, name...)
	buf = append(buf, data...)
	h := crc32.Update(0, castagnoli, buf[start:start+10])
	h = crc32.Update(h, castagnoli, buf[start+headerLen:])
	binary.BigEndian.PutUint32(buf[start+10:], h)
	return buf
}

// A record is one request in the journal.
type record struct {
	name string
	data []byte
}

// parseJournal returns the records in b up to the first one that is not
// whole and correct, and how many bytes those records take.
func parseJournal(b []byte) (recs []record, n int) {
	for {
		rest := b[n:]
		if len(rest) < headerLen || string(rest[:4]) != journalMagic {
			return recs, n
		}
		nameLen := int(binary.BigEndian.Uint16(rest[4:]))
		dataLen := int(binary.BigEndian.Uint32(rest[6:]))
		if dataLen > maxRecord || len(rest) < headerLen+nameLen+dataLen {
			return recs, n
		}
		body := rest[headerLen : headerLen+nameLen+dataLen]
		h := crc32.Update(0, castagnoli, rest[:10])
		if crc32.Update(h, castagnoli, body) != binary.BigEndian.Uint32(rest[10:]) {
			return recs, n
		}
		name := string(body[:nameLen])
		if checkName(name) != nil {
			return recs, n
		}
		recs = append(recs, record{name: name, data: body[nameLen:]})
		n += headerLen + nameLen + dataLen
	}
}

// journalFiles returns the paths of the journal's files, oldest first.
func journalFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, Journal))
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".log") {
			paths = append(paths, filepath.Join(dir, Journal, e.Name()))
		}
	}
	slices.Sort(paths) // names are zero-padded sequence numbers
	return paths, nil
}

// readJournal returns every whole record in the journal files paths, in
// order. A name may appear more than once only if a Put of it failed after
// its record was written; the first is the one acknowledged, if any was.
func readJournal(paths []string) ([]record, error) {
	var all []record
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		recs, _ := parseJournal(b)
		all = append(all, recs...)
	}
	return all, nil
}

// A segment is the journal file batches are appended to, or an older one
// still holding requests not yet claimed.
type segment struct {
	f    *os.File
	size int64 // bytes of whole, durable records
	// pending counts its records not yet claimed, and those of a batch
	// being written to it: it is emptied or removed only at zero.
	pending int
}
