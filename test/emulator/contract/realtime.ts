// The WebSocket messages the OpenAPI document does not cover, as JSON Schemas written from
// Soniox's WebSocket docs (https://soniox.com/docs/stt/api-reference/websocket-api,
// https://soniox.com/docs/api-reference/tts/websocket-api, https://soniox.com/docs/api-reference/errors).
// Closed like the REST schemas: a field the docs do not describe fails.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

const int = { type: 'integer', minimum: 0 };
const closed = (properties: Record<string, object>, required: string[]) => ({
	type: 'object',
	properties,
	required,
	additionalProperties: false,
});

/** Every real-time error: the shared error_type taxonomy, with a request id (errors page). */
const errorProperties = {
	error_code: int,
	error_type: { type: 'string' },
	error_message: { type: 'string' },
	more_info: { type: 'string' },
	request_id: { type: 'string' },
};
const errorRequired = ['error_code', 'error_type', 'error_message', 'request_id'];

const SCHEMAS = {
	sttResult: closed(
		{
			tokens: {
				type: 'array',
				items: closed(
					{
						text: { type: 'string' },
						start_ms: int,
						end_ms: int,
						confidence: { type: 'number', minimum: 0, maximum: 1 },
						is_final: { type: 'boolean' },
						speaker: { type: 'string' },
						language: { type: 'string' },
						source_language: { type: 'string' },
						translation_status: { enum: ['none', 'original', 'translation'] },
					},
					['text', 'confidence', 'is_final'],
				),
			},
			final_audio_proc_ms: int,
			total_audio_proc_ms: int,
			finished: { const: true },
		},
		['tokens', 'final_audio_proc_ms', 'total_audio_proc_ms'],
	),
	sttError: closed(errorProperties, errorRequired),
	ttsAudio: closed(
		{
			stream_id: { type: 'string' },
			audio: { type: 'string', contentEncoding: 'base64' },
			audio_end: { type: 'boolean' },
			timestamps: { type: 'object' },
		},
		['stream_id', 'audio'],
	),
	ttsTerminated: closed({ stream_id: { type: 'string' }, terminated: { const: true } }, [
		'stream_id',
		'terminated',
	]),
	ttsError: closed({ stream_id: { type: 'string' }, ...errorProperties }, errorRequired),
};

export type RealtimeMessageKind = keyof typeof SCHEMAS;

let compiled: Record<RealtimeMessageKind, ValidateFunction> | undefined;

/** The problems of one server message as `kind` (empty when it conforms to the docs). */
export function validateRealtimeMessage(kind: RealtimeMessageKind, message: unknown): string[] {
	if (!compiled) {
		const ajv = new Ajv2020({ allErrors: true, strict: true });
		compiled = Object.fromEntries(
			Object.entries(SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)]),
		) as Record<RealtimeMessageKind, ValidateFunction>;
	}
	const validate = compiled[kind];
	if (validate(message)) return [];
	return (validate.errors ?? []).map(
		(error) => `${kind}${error.instancePath}: ${error.message} ${JSON.stringify(error.params)}`,
	);
}
