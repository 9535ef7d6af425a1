package relay

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/policysite/policysite/cmd/formrelay/internal/deadline"
	"github.com/policysite/policysite/cmd/formrelay/smtptest"
	"github.com/policysite/policysite/generator/date"
)

func TestReference(t *testing.T) {
	seen := map[string]bool{}
	for range 10_000 {
		r := NewReference()
		if !refRE.MatchString(r) {
			t.Fatalf("%q is not a reference", r)
		}
		if seen[r] {
			t.Fatalf("%q twice in 10,000", r)
		}
		seen[r] = true
		if NormalizeReference(strings.ToLower(strings.ReplaceAll(r, "-", " "))) != r {
			t.Fatalf("%q does not survive being read back", r)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"DSR-7KQ4-M9XT-2B", "DSR-7KQ4-M9XT-2B"},
		{"dsr 7kq4 m9xt 2b", "DSR-7KQ4-M9XT-2B"},
		{"7KQ4M9XT2B", "DSR-7KQ4-M9XT-2B"},
		{"DSR-7KQ4-M9XT-ZO", "DSR-7KQ4-M9XT-Z0"}, // O read as zero
		{"DSR-IKQ4-M9XT-2L", "DSR-1KQ4-M9XT-21"}, // I and L read as one
		{"DSR-7KQ4-M9XT-2U", ""},                 // U is not in the alphabet
		{"DSR-7KQ4-M9XT", ""},
		{"", ""},
	} {
		if got := NormalizeReference(tc.in); got != tc.want {
			t.Errorf("NormalizeReference(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	s, _ := smtptest.New()
	for _, tc := range []struct{ extra, want string }{
		{"", ""},
		{"smtp_host: x\n", `relay.yaml:10:1: unknown field "smtp_host"`},
		{"retention_days: -1\n", "relay.yaml:10:17: retention_days: must be at least 1"},
		{"log_format: xml\n", `relay.yaml:10:13: log_format: "xml" is not text or json`},
		{"allowed_origins: [policies.example.org]\n", `relay.yaml:10:18: allowed_origins[0]: "policies.example.org" is not an origin`},
		{"trusted_proxies: [localhost]\n", `relay.yaml:10:18: trusted_proxies[0]: "localhost" is not an address or CIDR prefix`},
		{"dpo_email: Priya <dpo@example.org>\n", `relay.yaml:10:12: dpo_email: "Priya <dpo@example.org>" is not an email address`},
		{"bank_holidays: scotland\n", ""},
		{"bank_holidays: scotalnd\n", `relay.yaml:10:16: bank_holidays: "scotalnd" is not a nation (did you mean scotland?); want england-and-wales (the default), scotland or northern-ireland`},
		{"bank_holidays: bank-holidays.txt\n", `relay.yaml:10:16: bank_holidays: "bank-holidays.txt" is a file: give a nation instead, england-and-wales (the default)`},
		{"bank_holiday_changes:\n  - {add: 2023-05-08, name: Coronation}\n  - {move: 2020-05-04, to: 2020-05-08}\n", ""},
		{"bank_holidays: scotalnd\nbank_holiday_changes: [{add: 2023-05-06, name: x}]\n", `relay.yaml:10:16: bank_holidays: "scotalnd" is not a nation (did you mean scotland?); want england-and-wales (the default), scotland or northern-ireland` + "\n(end)"},
		{"bank_holiday_changes:\n  - {add: 2023-05-08, name: Coronation}\n  - {move: 2020-05-05, to: 2020-05-08}\n", "relay.yaml:12:12: bank_holiday_changes[1].move: 2020-05-05 is not a bank holiday in England and Wales by the rules; the nearest is 2020-05-04, Monday 4 May 2020 (Early May bank holiday)"},
		{"bank_holiday_changes:\n  - move: 2020-05-04\n    to: 2020-05-09\n", "relay.yaml:12:9: bank_holiday_changes[0].to: 2020-05-09 is a Saturday: move a holiday to a weekday"},
		{"bank_holiday_changes:\n  - add: 2023-05-08\n", "relay.yaml:11:5: bank_holiday_changes[0]: the extra holiday on Monday 8 May 2023 needs a name:"},
		{"bank_holiday_changes:\n  - {add: 2023-05, name: Coronation}\n", `relay.yaml:11:11: bank_holiday_changes[0].add: "2023-05" is a month; give the day, such as 2023-05-08`},
		{"bank_holiday_changes:\n  - {add: 2023-05-08, nane: Coronation}\n", `relay.yaml:11:23: unknown field "bank_holiday_changes[0].nane" (did you mean "name"?)`},
		{"bank_holiday_change:\n  - {add: 2023-05-08, name: Coronation}\n", `relay.yaml:10:1: unknown field "bank_holiday_change" (did you mean "bank_holiday_changes"?)`},
	} {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "site.yaml"), testSite)
		y := "listen: 127.0.0.1:0\nspool: spool\nsite: site.yaml\nsmtp:\n  host: " + s.Host() + "\n  port: 25\n  starttls: disabled\nfrom: forms@larkfield.example\n# line 9\n" + tc.extra
		write(t, filepath.Join(dir, "relay.yaml"), y)
		cfg, l := LoadConfig(filepath.Join(dir, "relay.yaml"))
		got := strings.ReplaceAll(l.Error(), dir+"/", "")
		if tc.want == "" {
			if l.HasErrors() {
				t.Errorf("%q: %s", tc.extra, got)
			} else if cfg.DPOEmail != "dpo@larkfield.example" || cfg.SMTP.StartTLS != "disabled" || cfg.RetentionDays != 30 {
				t.Errorf("defaults: %+v", cfg)
			}
			continue
		}
		if !strings.HasPrefix(got+"\n(end)", tc.want) { // a want ending (end) is all the errors
			t.Errorf("%q:\ngot  %s\nwant %s", tc.extra, got, tc.want)
		}
	}
}

// bank_holidays and bank_holiday_changes make the calendar due dates are
// worked out with.
func TestConfigBankHolidays(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "site.yaml"), testSite)
	write(t, filepath.Join(dir, "relay.yaml"), `spool: spool
site: site.yaml
from: forms@larkfield.example
smtp: {host: mail.example.org}
bank_holidays: Northern Ireland
bank_holiday_changes:
  - add: 2023-05-08
    name: Bank holiday for the coronation of King Charles III
  - {move: 2020-05-04, to: 8 May 2020, name: Early May bank holiday (VE day)}
`)
	cfg, l := LoadConfig(filepath.Join(dir, "relay.yaml"))
	if l.HasErrors() {
		t.Fatal(l)
	}
	c := cfg.Calendar
	if c.Nation() != deadline.NorthernIreland || cfg.BankHolidays != "northern-ireland" {
		t.Errorf("nation %q, bank_holidays %q", c.Nation(), cfg.BankHolidays)
	}
	for _, tc := range []struct {
		day  string
		name string
	}{
		{"2023-05-08", "Bank holiday for the coronation of King Charles III"},
		{"2020-05-08", "Early May bank holiday (VE day)"},
		{"2020-05-04", ""},
		{"2031-07-14", "Battle of the Boyne (Orangemen's Day) (substitute day)"},
	} {
		d, _ := date.Parse(tc.day)
		if name, _ := c.Holiday(d); name != tc.name {
			t.Errorf("Holiday(%s) = %q, want %q", tc.day, name, tc.name)
		}
	}
	if !strings.Contains(cfg.String(), "bank holidays: Northern Ireland, by rule, with 2 one-off changes\n") {
		t.Errorf("summary:\n%s", cfg)
	}
}

func TestConfigPasswords(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "site.yaml"), testSite)
	write(t, filepath.Join(dir, "pw"), "s3cret\n")
	t.Setenv("CREDENTIALS_DIRECTORY", dir)
	t.Setenv("RELAY_PW", "from-env")
	base := "spool: spool\nsite: site.yaml\nfrom: forms@larkfield.example\nsmtp:\n  host: mail.example.org\n  username: relay\n"
	for _, tc := range []struct{ extra, password, err string }{
		{"  password_file: $CREDENTIALS_DIRECTORY/pw\n", "s3cret", ""},
		{"  password_env: RELAY_PW\n", "from-env", ""},
		{"  password_env: NOT_SET_ANYWHERE\n", "", "$NOT_SET_ANYWHERE is not set"},
		{"  password_file: $NOT_SET_ANYWHERE/pw\n", "", "smtp.password_file: $NOT_SET_ANYWHERE is not set"},
		{"", "", "a username needs password_file or password_env"},
		{"  password_file: pw\n  password_env: RELAY_PW\n", "", "not both"},
	} {
		write(t, filepath.Join(dir, "relay.yaml"), base+tc.extra)
		cfg, l := LoadConfig(filepath.Join(dir, "relay.yaml"))
		if tc.err != "" {
			if !strings.Contains(l.Error(), tc.err) {
				t.Errorf("%q: %v, want %s", tc.extra, l, tc.err)
			}
			continue
		}
		if l.HasErrors() || cfg.Password != tc.password || cfg.SMTP.StartTLS != "required" || cfg.SMTP.Port != 587 {
			t.Errorf("%q: %v %+v", tc.extra, l, cfg.SMTP)
		}
	}
}

func TestExampleConfig(t *testing.T) {
	// The shipped example must decode; its paths point at a real host's
	// files, so only unknown keys and syntax are checked here.
	data, err := os.ReadFile("../../relay.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, l := ParseConfig("relay.example.yaml", data)
	if n := len(cfg.Calendar.Changes()); n != 5 {
		t.Errorf("%d bank holiday changes, want the 5 since 2020", n)
	}
	for _, d := range l {
		if strings.Contains(d.Message, "unknown field") || strings.Contains(d.Message, "YAML") || strings.Contains(d.Message, "expected") || strings.Contains(d.Message, "bank_holiday") {
			t.Errorf("%s", d)
		}
	}
}

// The config for trying the relay with the bundled example site loads
// with no error and posts where the example site's form does, from where
// `make run` serves it.
func TestLocalConfig(t *testing.T) {
	cfg, l := LoadConfig("../../relay.local.yaml")
	if len(l) > 0 {
		t.Fatalf("relay.local.yaml: %v", l)
	}
	if got := "http://" + cfg.Listen + "/requests"; got != cfg.Spec.RelayURL {
		t.Errorf("listens at %s, the example site posts to %s", got, cfg.Spec.RelayURL)
	}
	if !cfg.Allowed("http://127.0.0.1:1313") {
		t.Error("make run's origin is not allowed to post")
	}
}

// FuzzDecode: no body, of any content type, panics the decoder, and what
// it accepts from JSON is valid UTF-8.
func FuzzDecode(f *testing.F) {
	for _, seed := range []struct{ ctype, body string }{
		{"application/x-www-form-urlencoded", goodForm().Encode()},
		{"application/x-www-form-urlencoded", "a=%zz&b"},
		{"application/json", `{"type":"access","declaration":true,"x":null}`},
		{"application/json", `{"a":[1,2]}`},
		{"application/json; charset=utf-8", "{\"a\":\"\xff\"}"},
		{"multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\naccess\r\n--X--\r\n"},
		{"multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nhi\r\n--X--\r\n"},
		{"text/plain", "x"},
		{"", "type=access"},
	} {
		f.Add(seed.ctype, seed.body)
	}
	f.Fuzz(func(t *testing.T, ctype, body string) {
		v, isJSON, status, err := decode(ctype, []byte(body))
		if err != nil {
			if status < 400 || status > 499 {
				t.Fatalf("refused with status %d", status)
			}
			return
		}
		if isJSON {
			for k, vals := range v {
				for _, x := range vals {
					if !utf8.ValidString(k) || !utf8.ValidString(x) {
						t.Fatalf("invalid UTF-8 from JSON: %q=%q", k, x)
					}
				}
			}
		}
	})
}
