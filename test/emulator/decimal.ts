// Exact decimal money: amounts are BigInt counts of 10^-10 USD, the precision Soniox reports
// costs in, so sums never pass through binary floating point.

export const COST_DECIMALS = 10;
const SCALE = 10n ** BigInt(COST_DECIMALS);

/** "0.0000020" → 20000n (units of 10^-10). Refuses more than ten decimals or a sign. */
export function parseDecimal(text: string): bigint {
	const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
	if (!match || (match[2] ?? '').length > COST_DECIMALS) {
		throw new Error(`Not a decimal with at most ${COST_DECIMALS} places: ${text}`);
	}
	const fraction = (match[2] ?? '').padEnd(COST_DECIMALS, '0');
	return BigInt(match[1]) * SCALE + BigInt(fraction);
}

/** 20000n → "0.0000020000": always exactly ten decimals, as Soniox's cost strings. */
export function formatDecimal(units: bigint): string {
	const negative = units < 0n;
	const magnitude = negative ? -units : units;
	const whole = magnitude / SCALE;
	const fraction = (magnitude % SCALE).toString().padStart(COST_DECIMALS, '0');
	return `${negative ? '-' : ''}${whole}.${fraction}`;
}
