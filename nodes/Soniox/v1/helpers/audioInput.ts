// Soniox stores any upload and opens any stream; it finds out that a file is not audio only
// when it transcribes it, after the upload was stored and the request made. So what is
// certainly not audio is refused here, before anything is sent.
import { NodeOperationError } from 'n8n-workflow';
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

/** Enough of a file's start to recognise every container below. */
export const AUDIO_SIGNATURE_BYTES = 16;

type Signature = Array<[offset: number, bytes: string | number[]]>;

/** The containers Soniox detects by itself: aac, aiff, amr, asf, flac, mp3, ogg, wav, webm, m4a, mp4. */
const CONTAINER_SIGNATURES: Signature[] = [
	[
		[0, 'RIFF'],
		[8, 'WAVE'],
	],
	[
		[0, 'RF64'],
		[8, 'WAVE'],
	],
	[[0, 'ID3']],
	[[0, 'OggS']],
	[[0, 'fLaC']],
	[
		[0, 'FORM'],
		[8, 'AIF'],
	],
	[[0, '#!AMR']],
	[[0, 'ADIF']],
	[[4, 'ftyp']],
	[[0, [0x1a, 0x45, 0xdf, 0xa3]]],
	[[0, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11]]],
];

function matches(head: Uint8Array, signature: Signature): boolean {
	return signature.every(([offset, expected]) => {
		const bytes =
			typeof expected === 'string' ? [...expected].map((char) => char.charCodeAt(0)) : expected;
		return bytes.every((byte, index) => head[offset + index] === byte);
	});
}

/** Whether `head`, the first bytes of a file, starts like an audio file Soniox can detect. */
export function startsLikeAudio(head: Uint8Array): boolean {
	// An MPEG audio frame (MP3, or AAC in ADTS) starts with 11 set bits.
	if (head.length >= 2 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0) return true;
	return CONTAINER_SIGNATURES.some((signature) => matches(head, signature));
}

function fieldOf(itemIndex: number, propertyName: string) {
	return `Input Binary Field "${propertyName}" of item ${itemIndex}`;
}

/** Refuses an empty binary; `head` holds its first bytes. */
export function assertNotEmpty(
	context: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	head: Uint8Array,
): void {
	if (head.length > 0) return;
	throw new NodeOperationError(
		context.getNode(),
		`${fieldOf(itemIndex, propertyName)} is empty (0 bytes)`,
		{ itemIndex, description: 'The node before this one passed on an empty file: check it.' },
	);
}

/**
 * Refuses a binary that is empty, or that is neither typed as audio or video nor starts like
 * an audio file (a text, JSON, image or PDF file, say). `head` holds its first bytes.
 */
export function assertAudio(
	context: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	binary: IBinaryData,
	head: Uint8Array,
): void {
	assertNotEmpty(context, itemIndex, propertyName, head);
	if (/^(audio|video)\//i.test(binary.mimeType ?? '') || startsLikeAudio(head)) return;
	const type = binary.mimeType || 'data of unknown type';
	throw new NodeOperationError(
		context.getNode(),
		`${fieldOf(itemIndex, propertyName)} holds ${type}${binary.fileName ? ` ("${binary.fileName}")` : ''}, not audio`,
		{
			itemIndex,
			description:
				'Soniox transcribes audio files (WAV, MP3, OGG, FLAC, AAC, M4A, MP4, WebM, AIFF, AMR, ASF). Set Input Binary Field to the field that holds the audio.',
		},
	);
}

/** The binary of an item, or an error that names the property and the ones the item has. */
export function getInputBinary(
	context: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
): IBinaryData {
	const binary = context.getInputData()[itemIndex]?.binary ?? {};
	if (!binary[propertyName]) {
		const available = Object.keys(binary);
		throw new NodeOperationError(
			context.getNode(),
			`Item ${itemIndex} has no binary property "${propertyName}"`,
			{
				itemIndex,
				description: available.length
					? `Set Input Binary Field to one of: ${available.join(', ')}.`
					: 'The item has no binary data for Input Binary Field. Add a node before this one that reads or downloads the audio.',
			},
		);
	}
	return binary[propertyName];
}
