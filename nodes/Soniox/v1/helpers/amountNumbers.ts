// Costs stay exact decimal strings (Soniox's own, 10 decimals); downstream math and charts
// want numbers, so each amount also comes as one, beside it, under one rule everywhere.
import type { IDataObject } from 'n8n-workflow';

import { isDecimal } from './decimal';

/**
 * The row with `<field>_number` after every USD amount `<field>` (a name ending in `_usd`
 * holding a decimal string): the same amount as the nearest JavaScript number, for math and
 * charts. Bill from the string: a number may drop digits past the 15th.
 */
export function withAmountNumbers<T extends IDataObject>(row: T): T {
	const shaped: IDataObject = {};
	for (const [field, value] of Object.entries(row)) {
		shaped[field] = value;
		if (field.endsWith('_usd') && typeof value === 'string' && isDecimal(value)) {
			shaped[`${field}_number`] = Number(value);
		}
	}
	return shaped as T;
}
