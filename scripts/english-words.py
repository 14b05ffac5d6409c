#!/usr/bin/env python3
"""Writes src/analysis/english-words.txt, the list readout weighs a
comparison's terms by: how common each English word is, and which parts of
speech it can be.

Run from the repository's root after downloading the two packages it reads
(both MIT-licensed, from the Python package index):

    pip download --no-deps symspellpy lemminflect
    unzip -o -q 'symspellpy-*.whl' && unzip -o -q 'lemminflect-*.whl'
    python3 scripts/english-words.py .

- symspellpy's frequency_dictionary_en_82_765.txt: word counts from the
  Google Books Ngram data, limited to the words of the SCOWL spelling lists.
- lemminflect's lemma_lu.csv.gz: each word form's parts of speech (from the
  SPECIALIST lexicon and AGID).

Only words met at least once in a million words (Zipf 3.0 or more) are kept,
and rarer adjectives (so that "heinous acts" reads as adjective and noun);
every other word counts as rare.
"""

import gzip
import math
import sys

MIN_ZIPF = 3.0
POS = {"noun": "n", "verb": "v", "aux": "v", "adj": "a", "adv": "r"}


def main(unpacked: str) -> None:
    counts = {}
    with open(f"{unpacked}/symspellpy/frequency_dictionary_en_82_765.txt", encoding="utf-8") as f:
        for line in f:
            word, count = line.split()
            counts[word.lower()] = counts.get(word.lower(), 0) + int(count)
    total = sum(counts.values())
    tags = {}
    with gzip.open(f"{unpacked}/lemminflect/resources/lemma_lu.csv.gz", "rt", encoding="utf-8") as f:
        for line in f:
            form, pos, _ = line.rstrip("\n").split(",", 2)
            if pos in POS:
                tags.setdefault(form.lower(), set()).add(POS[pos])
    rows = []
    for word, count in counts.items():
        zipf = math.log10(count / total * 1e9)
        pos = "".join(sorted(tags.get(word, ()), key="nvar".index)) or "-"
        if zipf >= MIN_ZIPF or pos == "a":
            rows.append((word, zipf, pos))
    for word, pos in tags.items():
        if word not in counts and pos == {"a"} and word.isalpha():
            rows.append((word, 0.0, "a"))
    rows.sort(key=lambda r: (-r[1], r[0]))
    with open("src/analysis/english-words.txt", "w", encoding="utf-8") as out:
        out.write("# English words, how common each is and what it can be; written by scripts/english-words.py.\n")
        out.write("# Counts: symspellpy's frequency_dictionary_en_82_765 (MIT; Google Books Ngram and SCOWL).\n")
        out.write("# Parts of speech: lemminflect's lemma_lu (MIT; SPECIALIST lexicon and AGID).\n")
        out.write("# word, Zipf (log10 of uses per billion words), parts of speech (n noun, v verb, a adjective, r adverb)\n")
        for word, zipf, pos in rows:
            out.write(f"{word} {max(zipf, 0.0):.1f} {pos}\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
