// Exact decimal money. Soniox sends costs as strings with 10 decimals ("0.0050000000");
// binary floats would drift when thousands of them are summed, so every sum is a BigInt.

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

export const ZERO: Decimal = { units: 0n, scale: 0 };

export function isDecimal(value: unknown): value is string | number {
	if (typeof value === 'number') return Number.isFinite(value);
	if (typeof value !== 'string') return false;
	const match = DECIMAL_PATTERN.exec(value.trim());
	return match !== null && `${match[2]}${match[3] ?? ''}` !== '';
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
	if (!match || whole + fraction === '') {
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
	return formatDecimal(
		values.reduce<Decimal>((sum, value) => addDecimal(sum, value), ZERO),
		options,
	);
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
