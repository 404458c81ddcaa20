// Prints the RFC 8785 canonical form of each element of the JSON array in the file named by the first
// argument, one per line, using the RFC author's package. Reach's differential test compares them with
// its own implementation byte for byte. Canonical text never holds a raw line feed, so lines separate them.
import { readFileSync } from 'node:fs';
import canonicalize from 'canonicalize';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node canonicalize.mjs FILE.json\n');
  process.exit(2);
}

const documents = JSON.parse(readFileSync(file, 'utf8'));
process.stdout.write(documents.map((document) => canonicalize(document)).join('\n') + '\n');
