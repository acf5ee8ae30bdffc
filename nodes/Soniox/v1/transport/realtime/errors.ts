// Errors of the real-time APIs: one JSON message with error_code (and error_type,
// error_message, request_id), which the REST error mapping already understands.

import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INode, JsonObject } from 'n8n-workflow';

import { sonioxApiError, sonioxCancelledError } from '../errors';

export interface SocketErrorMessage {
	error_code: number;
	error_type?: string;
	error_message?: string;
	request_id?: string;
	stream_id?: string;
}

/** Where the key of a real-time request came from: it changes what to fix after a 401/403. */
export type KeySource = 'credential' | 'temporaryKey';

export const SERVICE_UNAVAILABLE = 503;

export function isSocketError(message: unknown): message is SocketErrorMessage {
	return (
		typeof message === 'object' &&
		message !== null &&
		typeof (message as SocketErrorMessage).error_code === 'number'
	);
}

const TEMPORARY_KEY_HINT =
	'The temporary API key was refused: it may have expired, been used already (single use), or have been created for the other real-time API. Create a new one with Temporary Key → Create and the matching usage type.';

/** A Soniox error message as a node error; with a temporary key, 401/403 say what to do about it. */
export function socketApiError(
	node: INode,
	message: SocketErrorMessage,
	keySource: KeySource,
): NodeApiError {
	const { stream_id: _streamId, ...body } = message;
	const error = sonioxApiError(node, message.error_code, body);
	const text = message.error_message ?? '';
	if (keySource === 'temporaryKey' && (message.error_code === 401 || message.error_code === 403)) {
		error.description = TEMPORARY_KEY_HINT;
	} else if (message.error_code === 400 && /audio is too long|max duration/i.test(text)) {
		error.description = TOO_LONG_HINT;
	} else if (message.error_code === 400 && /faster than real/i.test(text)) {
		error.description = TOO_FAST_HINT;
	}
	return error;
}

const TOO_LONG_HINT =
	'Each item is spoken as one stream, and a stream holds at most 2 minutes of audio. Split the text over several items (e.g. with the Split Out node) and join the audio afterwards.';

const TOO_FAST_HINT =
	'Set Sending Pace to Real Time: Soniox refuses long stretches of audio sent far faster than it plays.';

/** The connection ended without an error message and without finishing. */
export function connectionLostError(node: INode, what: string, attempts: number): NodeApiError {
	return new NodeApiError(node, { code: 'connection_lost' } as JsonObject, {
		message: `The Soniox real-time connection closed before ${what}`,
		description:
			attempts > 1
				? `It was opened ${attempts} times and closed early each time. Check the network between n8n and Soniox and run again.`
				: 'Check the network between n8n and Soniox and run again.',
	});
}

/** Soniox sent nothing that moved the work on (messages that carry no progress do not count). */
export function silenceError(node: INode, seconds: number, what: string): NodeOperationError {
	return new NodeOperationError(
		node,
		`Soniox made no progress for ${seconds} seconds while ${what}`,
		{ description: 'Soniox may be overloaded. Run again in a moment.' },
	);
}

/** A server message this package cannot read: a clear error, never a TypeError later on. */
export function malformedMessageError(node: INode, problem: string, data = ''): NodeApiError {
	return new NodeApiError(node, { message: data.slice(0, 200) } as JsonObject, {
		message: `Soniox sent a real-time message that ${problem}`,
		description:
			'Check that the WebSocket URL of the credential points at Soniox (or a proxy that passes its messages through unchanged), and run again.',
	});
}

/** One text message of the server as a JSON object. */
export function parseServerMessage(node: INode, data: string): IDataObject {
	let message: unknown;
	try {
		message = JSON.parse(data);
	} catch {
		throw malformedMessageError(node, 'is not valid JSON', data);
	}
	if (typeof message !== 'object' || message === null || Array.isArray(message)) {
		throw malformedMessageError(node, 'is not a JSON object', data);
	}
	return message as IDataObject;
}

/** Stop in the editor (or a cancelled execution) ended a session: its connection is closed. */
export function cancelledError(node: INode): NodeOperationError {
	return sonioxCancelledError(node, 'a real-time session was open');
}

export function throwIfCancelled(node: INode, signal: AbortSignal | undefined) {
	if (signal?.aborted) throw cancelledError(node);
}
