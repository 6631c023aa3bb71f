import { parseXml, findAll } from '../test/fixtures/suite-xml.ts';
const x = parseXml(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="2"><testsuite name="a &amp; b"><testcase name="x"/><testcase name="y"><failure message="m">t &lt; 3</failure></testcase></testsuite></testsuites>\n`);
console.log(JSON.stringify(x), findAll(x, 'testcase').length);
for (const bad of ['<a><b></a>', '<a x=1/>', '<a>&foo;</a>', '<a>x & y</a>', '<a/><b/>', '<a x="1" x="2"/>', '<a>\u0001</a>']) {
  try { parseXml(bad); console.log('ACCEPTED', bad); } catch (e) { console.log('ok', (e as Error).message); }
}
