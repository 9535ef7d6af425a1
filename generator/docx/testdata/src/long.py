# Writes long.md: a made-up policy of about 7,000 words for the import
# benchmark, with the constructs real policies have (numbered sections,
# lists, tables, bold terms, links). Deterministic; no real text.
import random
r = random.Random(17)
nouns = "pupil parent record governor trustee school request consent officer breach notice file system device visitor contractor volunteer report policy review".split()
verbs = "keeps reviews records shares checks protects deletes updates sends receives explains agrees".split()
adjs = "personal sensitive secure annual written local shared current earlier relevant".split()
def sentence():
    w = [r.choice(["The", "Each", "Every", "A"]), r.choice(adjs), r.choice(nouns), r.choice(verbs), "the", r.choice(adjs), r.choice(nouns)]
    w += [r.choice(["when", "before", "after", "unless"]), "the", r.choice(nouns), r.choice(verbs), "it"]
    return " ".join(w) + "."
out = ["---", "title: Larkfield staff handbook policy", "---", "", "Version 4.2 March 2025", "", "Next review: March 2026", ""]
for s in range(1, 31):
    out += ["# %s %s" % (r.choice(adjs).capitalize(), r.choice(nouns) + "s"), ""]
    for p in range(r.randint(2, 4)):
        para = " ".join(sentence() for _ in range(r.randint(3, 6)))
        para = para.replace(" record ", " **record** ", 1).replace(" consent ", " *consent* ", 1)
        out += [para, ""]
    if s % 3 == 0:
        out += ["- " + sentence() for _ in range(5)] + ["    - " + sentence(), ""]
    if s % 4 == 0:
        out += ["1. " + sentence() for _ in range(4)] + [""]
    if s % 5 == 0:
        out += ["| Record | Kept for | Who decides |", "|---|---|---|"]
        out += ["| %s %s | %d years | %s |" % (r.choice(adjs), r.choice(nouns), r.randint(1, 25), r.choice(nouns)) for _ in range(6)] + [""]
    if s % 6 == 0:
        out += ["See the [trust website](https://www.larkfield.example/policies/%d) for forms." % s, ""]
open("long.md", "w").write("\n".join(out) + "\n")
