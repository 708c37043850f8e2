import { describe, expect, it } from 'vitest';
import { parseCsv, parseNumericCell } from './csv';

describe('parseCsv', () => {
  it('splits rows and fields, with or without a final line ending', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
    expect(parseCsv('a,b,c\n1,2,3')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
  });

  it('accepts \\r\\n line endings', () => {
    expect(parseCsv('a,b\r\n1,2\r\n')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('keeps empty fields, including leading and trailing ones', () => {
    expect(parseCsv(',x,,\n')).toEqual([['', 'x', '', '']]);
    expect(parseCsv('a,')).toEqual([['a', '']]);
  });

  it('reads quoted fields holding commas, line breaks and doubled quotes', () => {
    expect(parseCsv('name,note\n"Smith, J.","said ""hi""\nthen left"\n')).toEqual([
      ['name', 'note'],
      ['Smith, J.', 'said "hi"\nthen left'],
    ]);
    expect(parseCsv('"",x\r\n')).toEqual([['', 'x']]);
  });

  it('skips blank lines but keeps a line holding one quoted empty field', () => {
    expect(parseCsv('a\n\n\nb\n')).toEqual([['a'], ['b']]);
    expect(parseCsv('a\n""\nb')).toEqual([['a'], [''], ['b']]);
  });

  it('ignores a leading byte-order mark', () => {
    expect(parseCsv('\uFEFFTime,Value\n1,2')).toEqual([['Time', 'Value'], ['1', '2']]);
  });

  it('refuses an unterminated quote and text after a closing quote', () => {
    expect(() => parseCsv('a,"open\n1,2')).toThrow(/never closed/);
    expect(() => parseCsv('"closed"oops,1')).toThrow(/unexpected character/);
  });
});

describe('parseNumericCell', () => {
  it('reads decimal and exponent notation', () => {
    expect(parseNumericCell('0.0075')).toBe(0.0075);
    expect(parseNumericCell('-3')).toBe(-3);
    expect(parseNumericCell('1.5e3')).toBe(1500);
    expect(parseNumericCell('1681855320.0')).toBe(1681855320);
  });

  it('gives no value for empty, non-numeric, NaN or infinite cells', () => {
    for (const cell of ['', '  ', 'NaN', 'nan', 'Infinity', '-Infinity', 'abc', '1.2.3', undefined]) {
      expect(parseNumericCell(cell), String(cell)).toBeUndefined();
    }
  });
});
