import { describe, expect, it } from 'vitest';
import { Money, MoneyFormatError, allocate, allocateList, STREAMS } from 'ipb-ledger';

describe('Money', () => {
  it('parses contract strings and prints them back', () => {
    expect(Money.of('1250.00').toString()).toBe('1250.00');
    expect(Money.of('-3.10').toString()).toBe('-3.10');
    expect(JSON.stringify({ a: Money.of('0.01') })).toBe('{"a":"0.01"}');
  });

  it.each([
    ['12.5', 'exactly 2 decimals'],
    ['+1.00', 'exactly 2 decimals'],
    ['1e3', 'exactly 2 decimals'],
    ['0.001', 'exactly 2 decimals'],
    ['01.00', 'exactly 2 decimals'],
    ['NaN', 'exactly 2 decimals'],
    ['-0.00', 'negative zero'],
    ['', 'exactly 2 decimals'],
  ])('refuses %j with a clear message', (input, words) => {
    expect(() => Money.of(input)).toThrow(MoneyFormatError);
    expect(() => Money.of(input)).toThrow(words);
  });

  it('refuses a JS number with a message that says so', () => {
    expect(() => Money.of(12.5 as unknown as string)).toThrow('got the number 12.5');
    expect(Money.tryParse(12.5)).toBeNull();
  });

  it('adds exactly far beyond 2^53 pence and never prints exponents', () => {
    const big = Money.of('90071992547409.93'); // 2^53 + 1 pence
    let sum = Money.zero;
    for (let i = 0; i < 1000; i++) sum = sum.plus(big);
    expect(sum.toString()).toBe('90071992547409930.00');
    expect(sum.toPence()).toBe(9007199254740993n * 1000n);
    const huge = Money.fromPence(10n ** 30n + 1n);
    expect(huge.toString()).toBe('10000000000000000000000000000.01');
    expect(huge.minus(huge).toString()).toBe('0.00');
    expect(Money.of('0.10').plus(Money.of('0.20')).toString()).toBe('0.30');
  });

  it('formats for people', () => {
    expect(Money.of('1234567.89').format()).toBe('£1,234,567.89');
    expect(Money.of('-5.00').format()).toBe('-£5.00');
  });
});

describe('allocate (largest remainder, ties to the earlier stream)', () => {
  it('splits the contract example', () => {
    const parts = allocate(Money.of('100.01'), { health: 1, 'social-care': 1 }, STREAMS);
    expect(parts.health?.toString()).toBe('50.01');
    expect(parts['social-care']?.toString()).toBe('50.00');
  });

  it('gives leftovers to the largest remainders, not the largest weights', () => {
    // 0.10 over 3:4 -> exact 0.0428.. and 0.0571..: floors 4p and 5p, remainders 2/7 and 5/7
    const parts = allocateList(Money.of('0.10'), [3, 4]).map(String);
    expect(parts).toEqual(['0.04', '0.06']);
    // weights 1,1,1 of 0.02: both leftovers go to the first two (ties by order)
    expect(allocateList(Money.of('0.02'), [1, 1, 1]).map(String)).toEqual(['0.01', '0.01', '0.00']);
    // 0.05 over 10:1 -> exact 4.545.. and 0.4545..: floors 4 and 0, remainders 6/11 and 5/11
    expect(allocateList(Money.of('0.05'), [10, 1]).map(String)).toEqual(['0.05', '0.00']);
    // 1.00 over 1:1:4 -> 16.66.., 16.66.., 66.66..: remainders 4/6,4/6,4/6: ties go first
    expect(allocateList(Money.of('1.00'), [1, 1, 4]).map(String)).toEqual(['0.17', '0.17', '0.66']);
  });

  it('refuses weights that are not positive whole numbers', () => {
    expect(() => allocateList(Money.of('1.00'), [1, 0])).toThrow('positive whole number');
    expect(() => allocateList(Money.of('1.00'), [1.5])).toThrow('positive whole number');
    expect(() => allocateList(Money.of('1.00'), [])).toThrow('at least one weight');
  });
});

describe('decimal.js interop', () => {
  it('converts exactly both ways, even beyond 20 significant digits', async () => {
    const { Decimal } = await import('decimal.js');
    const big = new Decimal('123456789012345678901234.56');
    expect(Money.fromDecimal(big).toString()).toBe('123456789012345678901234.56');
    expect(Money.of('-12.30').toDecimal().equals(new Decimal('-12.3'))).toBe(true);
    expect(() => Money.fromDecimal(new Decimal('1.005'))).toThrow('a fraction of a penny');
    expect(() => Money.fromDecimal(new Decimal(NaN))).toThrow('finite');
  });
});
