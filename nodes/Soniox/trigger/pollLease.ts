// n8n starts a poll on its schedule whether or not the previous one has finished. Two polls
// that read the same state would deliver the same entries twice, so a poll first takes a
// lease in the workflow's static data (shared by the polls of one active workflow) and a poll
// that finds a live lease does nothing. The lease is renewed as pages arrive and expires when
// it is not, so a poll that died cannot block the trigger for longer than LEASE_MS. A poll
// that outlived its lease (another took over) commits and emits nothing: the other delivers.
import type { IDataObject } from 'n8n-workflow';

/** How long a lease lasts without a page arriving. */
export const LEASE_MS = 15 * 60_000;

const KEY = 'usagePollerLease';

interface LeaseData {
	id: string;
	/** n8n's clock, epoch ms. */
	until: number;
}

export interface PollLease {
	/** Extends the lease, if this poll still holds it. */
	renew(): void;
	/** True while no other poll has taken the lease over. */
	held(): boolean;
	/** Gives the lease up (only if this poll still holds it). */
	release(): void;
}

function leaseOf(data: IDataObject): LeaseData | undefined {
	const lease = data[KEY] as LeaseData | undefined;
	if (typeof lease !== 'object' || lease === null) return undefined;
	return typeof lease.id === 'string' && typeof lease.until === 'number' ? lease : undefined;
}

let counter = 0;

/**
 * Takes the lease, or returns undefined when another poll holds it. A lease that ends further
 * ahead than LEASE_MS (the clock was stepped back) is treated as expired.
 */
export function acquireLease(data: IDataObject, now: number): PollLease | undefined {
	const current = leaseOf(data);
	if (current && current.until > now && current.until <= now + LEASE_MS) return undefined;
	counter = (counter + 1) % 1_000_000;
	const id = `${now.toString(36)}-${counter}-${Math.random().toString(36).slice(2, 10)}`;
	data[KEY] = { id, until: now + LEASE_MS };
	const held = () => leaseOf(data)?.id === id;
	return {
		held,
		renew() {
			if (held()) data[KEY] = { id, until: Date.now() + LEASE_MS };
		},
		release() {
			if (held()) delete data[KEY];
		},
	};
}
