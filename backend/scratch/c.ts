import { readFileSync } from 'node:fs';
import YAML, { isMap, isSeq, visit } from 'yaml';
const d = YAML.parseDocument(readFileSync('/tmp/h11-a.yml', 'utf8'));
visit(d, (k, n: any, path) => { if (n && (n.comment?.includes('This routes') || n.commentBefore?.includes('This routes'))) console.log(path.length, n.constructor.name, JSON.stringify({c: n.comment, cb: n.commentBefore}).slice(0,100), n.toJSON?.() ?? n); });
