// Exact decimal money. Soniox sends costs as strings with 10 decimals ("0.0050000000");
// binary floats would drift when thousands of them are summed, so every sum counts whole units
// of 10^-10: in a BigInt, or in a Number only while it is below 2^52 and therefore exact.

/** Soniox reports costs with this many decimals; sums are formatted the same way. */
export const SONIOX_COST_DECIMALS = 10;

/** A decimal number: `units / 10^scale`, exact at any size. */
export interface Decimal {
	readonly units: bigint;
	readonly scale: number;
}

export interface FormatOptions {
	/** Digits after the point; the value is rounded half away from zero. Default 10. */
	decimals?: number;
	/** Drop trailing zeros after the point (and the point itself): "1.5000000000" → "1.5". */
	trim?: boolean;
}

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Beyond these a "number" is not an amount: 1e2000000 would be a BigInt of two million digits
 * (megabytes of output, seconds of CPU per operation). Soniox's own costs have 10 decimals
 * and a handful of digits before the point.
 */
export const MAX_DECIMAL_DIGITS = 40;
export const MAX_DECIMAL_EXPONENT = 40;

export const ZERO: Decimal = { units: 0n, scale: 0 };

export function isDecimal(value: unknown): value is string | number {
	if (typeof value === 'number') return Number.isFinite(value);
	if (typeof value !== 'string') return false;
	const match = DECIMAL_PATTERN.exec(value.trim());
	return match !== null && `${match[2]}${match[3] ?? ''}` !== '' && withinBounds(match);
}

function withinBounds(match: RegExpExecArray): boolean {
	const digits = `${match[2]}${match[3] ?? ''}`.replace(/^0+/, '').length;
	return digits <= MAX_DECIMAL_DIGITS && Math.abs(Number(match[4] ?? 0)) <= MAX_DECIMAL_EXPONENT;
}

export interface AmountRule {
	min: string | number;
	max: string | number;
	/** At most this many digits after the point, once the exponent is applied. */
	maxDecimals: number;
}

/**
 * Why `value` is not an amount within the rule (a sentence to follow the field's name), or
 * undefined when it is one. Numbers from expressions count through their shortest form.
 */
export function amountProblem(value: unknown, rule: AmountRule): string | undefined {
	const expected = `an amount from ${String(rule.min)} to ${String(rule.max)} with at most ${rule.maxDecimals} decimals`;
	if (typeof value === 'number' && !Number.isFinite(value)) return 'is not a number';
	if (typeof value !== 'string' && typeof value !== 'number') return 'is not a number';
	const syntax = DECIMAL_PATTERN.exec(String(value).trim());
	if (!syntax || `${syntax[2]}${syntax[3] ?? ''}` === '') return 'is not a number';
	if (!isDecimal(value)) return `must be ${expected}`;
	const decimal = parseDecimal(value);
	if (compareDecimal(decimal, rule.min) < 0 || compareDecimal(decimal, rule.max) > 0) {
		return `must be ${expected}`;
	}
	let { units, scale } = decimal;
	while (scale > 0 && units % 10n === 0n) {
		units /= 10n;
		scale--;
	}
	if (scale > rule.maxDecimals) return `has more than ${rule.maxDecimals} decimals`;
	return undefined;
}

/**
 * Reads "0.0050000000", "12", "-0.5", "1e-7" or a finite number (through its shortest
 * decimal form, so 0.1 reads as exactly 0.1). Throws on anything else.
 */
export function parseDecimal(value: string | number | Decimal): Decimal {
	if (typeof value === 'object') return value;
	const text = typeof value === 'number' ? numberToText(value) : value.trim();
	const match = DECIMAL_PATTERN.exec(text);
	const whole = match?.[2] ?? '';
	const fraction = match?.[3] ?? '';
	if (!match || whole + fraction === '' || !withinBounds(match)) {
		throw new Error(`"${String(value)}" is not a decimal number`);
	}
	const exponent = Number(match[4] ?? 0);
	let units = BigInt(whole + fraction || '0');
	let scale = fraction.length - exponent;
	if (scale < 0) {
		units *= 10n ** BigInt(-scale);
		scale = 0;
	}
	return { units: match[1] === '-' ? -units : units, scale };
}

function numberToText(value: number): string {
	if (!Number.isFinite(value)) throw new Error(`${value} is not a decimal number`);
	return String(value);
}

function rescale(value: Decimal, scale: number): bigint {
	return value.units * 10n ** BigInt(scale - value.scale);
}

export function addDecimal(a: string | number | Decimal, b: string | number | Decimal): Decimal {
	const left = parseDecimal(a);
	const right = parseDecimal(b);
	const scale = Math.max(left.scale, right.scale);
	return { units: rescale(left, scale) + rescale(right, scale), scale };
}

export function compareDecimal(
	a: string | number | Decimal,
	b: string | number | Decimal,
): -1 | 0 | 1 {
	const left = parseDecimal(a);
	const right = parseDecimal(b);
	const scale = Math.max(left.scale, right.scale);
	const difference = rescale(left, scale) - rescale(right, scale);
	return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

/** Rounds to `decimals` digits, half away from zero (0.5 → 1, −0.5 → −1). */
export function roundDecimal(value: Decimal, decimals: number): Decimal {
	if (value.scale <= decimals) return { units: rescale(value, decimals), scale: decimals };
	const divisor = 10n ** BigInt(value.scale - decimals);
	const magnitude = value.units < 0n ? -value.units : value.units;
	let rounded = magnitude / divisor;
	if ((magnitude % divisor) * 2n >= divisor) rounded += 1n;
	return { units: value.units < 0n ? -rounded : rounded, scale: decimals };
}

export function formatDecimal(
	value: string | number | Decimal,
	options: FormatOptions = {},
): string {
	const decimals = options.decimals ?? SONIOX_COST_DECIMALS;
	const { units } = roundDecimal(parseDecimal(value), decimals);
	const digits = (units < 0n ? -units : units).toString().padStart(decimals + 1, '0');
	const whole = digits.slice(0, digits.length - decimals);
	let fraction = digits.slice(digits.length - decimals);
	if (options.trim) fraction = fraction.replace(/0+$/, '');
	const sign = units < 0n ? '-' : '';
	return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

/** The exact sum of decimal strings, formatted with 10 decimals unless told otherwise. */
export function sumDecimals(values: Array<string | number>, options: FormatOptions = {}): string {
	const sum = new DecimalSums({ amount: SONIOX_COST_DECIMALS });
	for (const value of values) sum.add('amount', value);
	return formatDecimal(sum.total('amount'), options);
}

/**
 * `value × factor`, e.g. a cost times a markup of "1.25". The product is exact and then
 * rounded half away from zero to `decimals` (10 by default; 2 for an invoice in cents).
 */
export function multiplyDecimal(
	value: string | number | Decimal,
	factor: string | number | Decimal,
	options: FormatOptions = {},
): string {
	const left = parseDecimal(value);
	const right = parseDecimal(factor);
	return formatDecimal(
		{ units: left.units * right.units, scale: left.scale + right.scale },
		options,
	);
}

/** `numerator / denominator` of two integers as a decimal rounded half away from zero. */
export function divideToDecimal(
	numerator: bigint,
	denominator: bigint,
	options: FormatOptions = {},
): string {
	if (denominator === 0n) throw new Error('Cannot divide by zero');
	const decimals = options.decimals ?? SONIOX_COST_DECIMALS;
	// One extra digit decides the rounding, then roundDecimal applies it half away from zero.
	const scaled = (numerator * 10n ** BigInt(decimals + 1)) / denominator;
	return formatDecimal({ units: scaled, scale: decimals + 1 }, options);
}

/** Below 2^52, two Numbers add up to less than 2^53: still an exact integer. */
const EXACT_LIMIT = 2 ** 52;
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);

/** The five digits at `at` as a number, or -1 if one is not a digit (small-integer math only). */
function fiveDigits(text: string, at: number): number {
	const a = text.charCodeAt(at) - 48;
	const b = text.charCodeAt(at + 1) - 48;
	const c = text.charCodeAt(at + 2) - 48;
	const d = text.charCodeAt(at + 3) - 48;
	const e = text.charCodeAt(at + 4) - 48;
	// A value outside 0..9 makes itself or 9 minus itself negative.
	if ((a | (9 - a) | b | (9 - b) | c | (9 - c) | d | (9 - d) | e | (9 - e)) < 0) return -1;
	return (((a * 10 + b) * 10 + c) * 10 + d) * 10 + e;
}

/** Soniox's own form, "0.0050000000" (up to 5 digits before the point), in 10^-10 units. */
function sonioxCostUnits(text: string): number {
	const dot = text.length - 11;
	if (dot < 1 || dot > 5 || text.charCodeAt(dot) !== 46) return Number.NaN;
	let whole = 0;
	for (let index = 0; index < dot; index++) {
		const digit = text.charCodeAt(index) - 48;
		if ((digit | (9 - digit)) < 0) return Number.NaN;
		whole = whole * 10 + digit;
	}
	const high = fiveDigits(text, dot + 1);
	const low = fiveDigits(text, dot + 6);
	return (high | low) < 0 ? Number.NaN : whole * 1e10 + high * 1e5 + low;
}

/**
 * "-12.5", "0.006333" or "7" as a whole number of 10^-scale units, or NaN when the text has
 * another form or more digits than a Number holds exactly.
 */
function fixedPointUnits(text: string, scale: number): number {
	const negative = text.charCodeAt(0) === 45; // "-"
	let units = 0;
	let digits = 0;
	let decimals = -1;
	for (let index = negative ? 1 : 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code === 46 && decimals < 0) {
			decimals = 0; // "."
			continue;
		}
		if (code < 48 || code > 57) return Number.NaN;
		units = units * 10 + (code - 48);
		digits++;
		if (decimals >= 0) decimals++;
	}
	if (digits === 0 || decimals > scale || units >= EXACT_LIMIT) return Number.NaN;
	units *= POWERS_OF_TEN[scale - Math.max(decimals, 0)];
	if (!(units < EXACT_LIMIT)) return Number.NaN;
	return negative ? -units : units;
}

/**
 * Exact running sums side by side, fast over millions of Soniox costs: an amount with up to
 * its sum's `scale` decimals adds up as a whole Number of 10^-scale units, carried into a
 * BigInt before it could lose a digit; anything else (more decimals, exponents, huge values)
 * is added exactly on the side.
 */
export class DecimalSums<Field extends string> {
	private readonly slot = {} as Record<Field, number>;
	private readonly scales: number[] = [];
	private readonly units: number[] = [];
	private readonly carried: bigint[] = [];
	private rest?: Decimal[];

	/** One sum per field, with its scale: 10 for Soniox costs, 0 for whole counts. */
	constructor(scales: Readonly<Record<Field, number>>) {
		for (const [field, scale] of Object.entries(scales) as Array<[Field, number]>) {
			this.slot[field] = this.scales.length;
			this.scales.push(scale);
			this.units.push(0);
			this.carried.push(0n);
		}
	}

	/** Adds a decimal to the sum of `field`; null and undefined count as zero. */
	add(field: Field, value: string | number | Decimal | null | undefined): void {
		if (value === null || value === undefined) return;
		const index = this.slot[field];
		const scale = this.scales[index];
		let units = Number.NaN;
		if (typeof value === 'string' && scale === SONIOX_COST_DECIMALS) units = sonioxCostUnits(value);
		if (Number.isNaN(units) && typeof value !== 'object') {
			units = fixedPointUnits(String(value), scale);
		}
		if (!Number.isNaN(units)) {
			this.addAt(index, units);
		} else {
			this.rest ??= this.scales.map(() => ZERO);
			this.rest[index] = addDecimal(this.rest[index], value);
		}
	}

	/** Adds a whole number of 10^-scale units to the sum of `field`. */
	addUnits(field: Field, units: number): void {
		this.addAt(this.slot[field], units);
	}

	total(field: Field): Decimal {
		const index = this.slot[field];
		const units = this.carried[index] + BigInt(this.units[index]);
		return addDecimal({ units, scale: this.scales[index] }, this.rest?.[index] ?? ZERO);
	}

	private addAt(index: number, units: number): void {
		if (units > -EXACT_LIMIT && units < EXACT_LIMIT) {
			const sum = this.units[index] + units;
			if (sum > -EXACT_LIMIT && sum < EXACT_LIMIT) {
				this.units[index] = sum;
				return;
			}
			this.carried[index] += BigInt(sum);
			this.units[index] = 0;
		} else {
			this.carried[index] += BigInt(units);
		}
	}
}
