import { makeWav, pseudoTranslate } from '../audio';
import { audioTokensForDuration, textTokensForText } from '../tokens';
import { API_KEY, startFakeServer, type FakeServer } from './fake-context';
import { chunksOf, openSocket, type KeyDelivery, type TestSocket } from './ws-client';

const TEXT = 'Good morning. The emulator hears every word, in order! Does it? Yes.';
const WAV = makeWav({ text: TEXT, durationMs: 6000 });
const PCM = WAV.subarray(WAV.indexOf('data', 36, 'latin1') + 8);

let emulator: FakeServer;
beforeAll(async () => {
	emulator = await startFakeServer({ realtimeIdleTimeoutMs: 1500 });
});
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.ctx.ledger.length = 0;
	emulator.ctx.faults.clear();
});

type Token = {
	text: string;
	is_final: boolean;
	start_ms?: number;
	end_ms?: number;
	[key: string]: unknown;
};
type Response = {
	tokens: Token[];
	final_audio_proc_ms: number;
	total_audio_proc_ms: number;
	finished?: boolean;
};

async function session(
	config: Record<string, unknown>,
	delivery: KeyDelivery = 'header',
	key = API_KEY,
	server = emulator,
): Promise<TestSocket> {
	const socket = await openSocket(`${server.wsUrl}/transcribe-websocket`, key, delivery);
	socket.send(JSON.stringify(delivery === 'message' ? { ...config, api_key: key } : config));
	return socket;
}

async function streamAll(socket: TestSocket, chunks: Buffer[]): Promise<void> {
	for (const chunk of chunks) {
		socket.send(chunk);
		await new Promise((resolve) => setImmediate(resolve));
	}
	socket.send('');
}

const autoConfig = { model: 'stt-rt-v5', audio_format: 'auto' };
const pcmConfig = {
	model: 'stt-rt-v5',
	audio_format: 'pcm_s16le',
	sample_rate: 16000,
	num_channels: 1,
};

function finals(
	messages: Array<Record<string, unknown>>,
	keep: (token: Token) => boolean = () => true,
): Token[] {
	return (messages as unknown as Response[]).flatMap((message) =>
		(message.tokens ?? []).filter((token) => token.is_final && keep(token)),
	);
}

const isMarker = (token: Token) => token.text === '<end>' || token.text === '<fin>';
const transcriptOf = (messages: Array<Record<string, unknown>>) =>
	finals(messages, (token) => !isMarker(token) && token.translation_status !== 'translation')
		.map((token) => token.text)
		.join('');

describe('real-time STT transcription', () => {
	it.each([
		['one frame', WAV.length],
		['4 KiB frames', 4096],
		['odd 999-byte frames', 999],
		['tiny header pieces then 3200-byte frames', 0],
	])('hears the ICMT text exactly with %s', async (_name, size) => {
		const chunks =
			size > 0
				? chunksOf(WAV, size)
				: [...chunksOf(WAV.subarray(0, 60), 7), ...chunksOf(WAV.subarray(60), 3200)];
		const socket = await session(autoConfig);
		await streamAll(socket, chunks);
		const closed = await socket.closed;
		expect(closed).toEqual({ code: 1000, clean: true });
		expect(transcriptOf(socket.messages)).toBe(TEXT);
		const last = socket.messages[socket.messages.length - 1] as unknown as Response;
		expect(last.finished).toBe(true);
		expect(last.total_audio_proc_ms).toBe(6000);
		expect(last.final_audio_proc_ms).toBe(6000);
	});

	it('hears raw PCM given its sample rate and channels', async () => {
		const socket = await session(pcmConfig);
		await streamAll(socket, chunksOf(PCM, 3840));
		await socket.closed;
		expect(transcriptOf(socket.messages)).toBe(TEXT);
	});

	it('sends non-final tokens until they are final, each final once, finals first', async () => {
		const socket = await session(autoConfig);
		await streamAll(socket, chunksOf(WAV, 1600));
		await socket.closed;
		const responses = socket.messages as unknown as Response[];
		const everFinal = new Set<string>();
		let sawNonFinal = false;
		let previousFinalMs = 0;
		for (const response of responses) {
			const firstNonFinal = response.tokens.findIndex((token) => !token.is_final);
			if (firstNonFinal >= 0) {
				sawNonFinal = true;
				expect(response.tokens.slice(firstNonFinal).every((token) => !token.is_final)).toBe(true);
			}
			for (const token of response.tokens.filter((t) => t.is_final)) {
				const key = `${token.text}@${token.start_ms}`;
				expect(everFinal.has(key)).toBe(false);
				everFinal.add(key);
				expect(token.end_ms!).toBeLessThanOrEqual(response.total_audio_proc_ms);
			}
			expect(response.final_audio_proc_ms).toBeLessThanOrEqual(response.total_audio_proc_ms);
			expect(response.final_audio_proc_ms).toBeGreaterThanOrEqual(previousFinalMs);
			previousFinalMs = response.final_audio_proc_ms;
		}
		expect(sawNonFinal).toBe(true);
		for (const token of finals(socket.messages)) {
			expect(typeof token.confidence).toBe('number');
			expect(token).not.toHaveProperty('speaker');
			expect(token).not.toHaveProperty('final');
		}
	});

	it('marks endpoints with <end> after each sentence when endpoint detection is on', async () => {
		const socket = await session({ ...autoConfig, enable_endpoint_detection: true });
		await streamAll(socket, chunksOf(WAV, 3200));
		await socket.closed;
		const texts = finals(socket.messages).map((token) => token.text);
		expect(texts.filter((text) => text === '<end>')).toHaveLength(4);
		expect(texts[texts.indexOf('<end>') - 1]).toMatch(/\.$/);
		expect(transcriptOf(socket.messages)).toBe(TEXT);
	});

	it('answers finalize with every pending token final, then <fin>', async () => {
		const socket = await session(pcmConfig);
		for (const chunk of chunksOf(PCM.subarray(0, 32000 * 2), 3200)) socket.send(chunk);
		socket.send(JSON.stringify({ type: 'finalize' }));
		const fin = (await socket.waitFor((m) =>
			(m.tokens as Token[]).some((t) => t.text === '<fin>'),
		)) as unknown as Response;
		expect(fin.tokens.filter((t) => !t.is_final)).toEqual([]);
		expect(fin.final_audio_proc_ms).toBe(2000);
		const heardSoFar = transcriptOf(socket.messages);
		expect(TEXT.startsWith(heardSoFar)).toBe(true);
		// The rest of the audio continues the transcript after the finalized words.
		await streamAll(socket, chunksOf(PCM.subarray(32000 * 2), 3200));
		await socket.closed;
		expect(transcriptOf(socket.messages)).toBe(TEXT);
	});

	it('diarizes and identifies languages on request', async () => {
		const socket = await session({
			...autoConfig,
			enable_speaker_diarization: true,
			enable_language_identification: true,
			language_hints: ['en'],
		});
		await streamAll(socket, [WAV]);
		await socket.closed;
		const tokens = finals(socket.messages);
		expect(new Set(tokens.map((token) => token.speaker))).toEqual(new Set(['1', '2']));
		expect(tokens.every((token) => token.language === 'en')).toBe(true);
	});

	it('adds translation tokens without timestamps after each sentence', async () => {
		const socket = await session({
			...autoConfig,
			translation: { type: 'one_way', target_language: 'de' },
		});
		await streamAll(socket, chunksOf(WAV, 4000));
		await socket.closed;
		const tokens = finals(socket.messages);
		const translated = tokens.filter((token) => token.translation_status === 'translation');
		expect(translated.length).toBeGreaterThan(0);
		for (const token of translated) {
			expect(token).toMatchObject({ language: 'de', source_language: 'en' });
			expect(token).not.toHaveProperty('start_ms');
		}
		expect(translated.map((token) => token.text).join('')).toBe(pseudoTranslate(` ${TEXT}`));
		expect(
			tokens
				.filter((token) => token.translation_status === 'original')
				.map((t) => t.text)
				.join(''),
		).toBe(TEXT);
	});
});

describe('real-time STT authentication', () => {
	it.each<KeyDelivery>(['header', 'protocol', 'message'])(
		'accepts the key by %s',
		async (delivery) => {
			const socket = await session(autoConfig, delivery);
			if (delivery === 'protocol') expect(socket.protocol).toBe('soniox-api-key');
			await streamAll(socket, [WAV]);
			await socket.closed;
			expect(transcriptOf(socket.messages)).toBe(TEXT);
		},
	);

	it.each<KeyDelivery>(['header', 'protocol', 'message'])(
		'refuses a wrong key by %s with 401 then close',
		async (delivery) => {
			const socket = await session(autoConfig, delivery, 'not-a-key');
			const closed = await socket.closed;
			expect(closed.code).toBe(1000);
			expect(socket.messages).toEqual([
				expect.objectContaining({
					error_code: 401,
					error_type: 'unauthenticated',
					error_message:
						'Incorrect API key provided. You can get an API key at https://console.soniox.com',
					request_id: expect.any(String),
					more_info: expect.stringContaining('#unauthenticated'),
				}),
			]);
		},
	);

	it('refuses a session without any key', async () => {
		const socket = await openSocket(`${emulator.wsUrl}/transcribe-websocket`, '', 'message');
		socket.send(JSON.stringify(autoConfig));
		await socket.closed;
		expect(socket.messages[0]).toMatchObject({ error_code: 401, error_type: 'unauthenticated' });
	});

	it('refuses a temporary key of the other usage type', async () => {
		const ttsKey = emulator.ctx.addTempKey({ usageType: 'tts_rt', clientReferenceId: null });
		const socket = await session(autoConfig, 'message', ttsKey);
		await socket.closed;
		expect(socket.messages[0]).toMatchObject({ error_code: 401 });
	});

	it("ends a temporary key's session at its maximum duration with 403", async () => {
		const key = emulator.ctx.addTempKey({
			usageType: 'transcribe_websocket',
			clientReferenceId: null,
			maxSessionMs: 150,
		});
		const socket = await session(pcmConfig, 'message', key);
		socket.send(PCM.subarray(0, 3200));
		const closed = await socket.closed;
		expect(closed.code).toBe(1000);
		expect(socket.messages[socket.messages.length - 1]).toMatchObject({
			error_code: 403,
			error_type: 'temp_api_key_session_expired',
			error_message:
				'Temporary API key session duration limit exceeded. Create a new temporary API key to start a new session.',
		});
		expect(emulator.ctx.ledger).toHaveLength(0);
	});
});

describe('real-time STT configuration errors', () => {
	async function expectConfigError(
		config: Record<string, unknown>,
		code: number,
		type: string,
		message: string | RegExp,
	) {
		const socket = await session(config);
		const closed = await socket.closed;
		expect(closed.code).toBe(1000);
		expect(socket.messages).toHaveLength(1);
		const error = socket.messages[0];
		expect(Object.keys(error).sort()).toEqual([
			'error_code',
			'error_message',
			'error_type',
			'more_info',
			'request_id',
		]);
		expect(error).toMatchObject({ error_code: code, error_type: type });
		if (typeof message === 'string') expect(error.error_message).toBe(message);
		else expect(error.error_message).toMatch(message);
	}

	it('refuses unknown and async models', async () => {
		await expectConfigError(
			{ ...autoConfig, model: 'stt-rt-v99' },
			400,
			'model_not_available',
			'Invalid model specified.',
		);
		await expectConfigError(
			{ ...autoConfig, model: 'stt-async-v5' },
			400,
			'model_not_available',
			'Invalid model specified.',
		);
	});

	it('accepts an alias of a real-time model', async () => {
		const socket = await session({ ...autoConfig, model: 'stt-rt-v4' });
		await streamAll(socket, [WAV]);
		await socket.closed;
		expect(transcriptOf(socket.messages)).toBe(TEXT);
		expect(emulator.ctx.ledger[0].model).toBe('stt-rt-v4');
	});

	it('requires sample_rate and num_channels for raw PCM', async () => {
		await expectConfigError(
			{ model: 'stt-rt-v5', audio_format: 'pcm_s16le', num_channels: 1 },
			400,
			'invalid_request',
			/sample_rate/,
		);
		await expectConfigError(
			{ model: 'stt-rt-v5', audio_format: 'pcm_s16le', sample_rate: 16000 },
			400,
			'invalid_request',
			/num_channels/,
		);
		await expectConfigError(
			{ model: 'stt-rt-v5', audio_format: 'pcm_s17le' },
			400,
			'invalid_request',
			/audio_format/,
		);
	});

	it('checks client_reference_id and translation', async () => {
		await expectConfigError(
			{ ...autoConfig, client_reference_id: 'x'.repeat(257) },
			400,
			'invalid_request',
			'Client reference ID is too long (max length 256).',
		);
		await expectConfigError(
			{ ...autoConfig, translation: { type: 'three_way' } },
			400,
			'invalid_request',
			/translation/,
		);
		await expectConfigError(
			{ ...autoConfig, translation: { type: 'one_way' } },
			400,
			'invalid_request',
			/target_language/,
		);
	});

	it('answers 429 beyond the concurrency cap', async () => {
		const held = [0, 1, 2].map(() => emulator.ctx.acquireSlot('transcribe')!);
		try {
			await expectConfigError(
				autoConfig,
				429,
				'limit_exceeded',
				'Concurrent requests limit for real-time speech-to-text has been exceeded for your project.',
			);
		} finally {
			held.forEach((release) => release());
		}
	});
});

describe('real-time STT faults and timeouts', () => {
	it('drops the TCP connection after N messages and logs nothing', async () => {
		emulator.ctx.faults.set('/transcribe-websocket', [{ kind: 'drop', afterMessages: 2 }]);
		const socket = await session(autoConfig);
		for (const chunk of chunksOf(WAV, 3200)) socket.send(chunk);
		const closed = await socket.closed;
		expect(closed).toEqual({ code: 1006, clean: false });
		expect(socket.messages).toHaveLength(2);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(emulator.ctx.ledger).toHaveLength(0);
		expect(emulator.ctx.slotsInUse.transcribe).toBe(0);
	});

	it('ends a session with 503 after N messages; resending the rest from final_audio_proc_ms stitches exactly', async () => {
		emulator.ctx.faults.set('/transcribe-websocket', [{ kind: 'terminate503', afterMessages: 8 }]);
		const first = await session(pcmConfig);
		for (const chunk of chunksOf(PCM, 3200)) first.send(chunk);
		await first.closed;
		const error = first.messages[first.messages.length - 1];
		expect(error).toMatchObject({ error_code: 503, error_type: 'service_unavailable' });
		expect(error.error_message).toMatch(
			/^Cannot continue request \(code \d+\)\. Please restart the request\./,
		);
		const responses = first.messages.slice(0, -1) as unknown as Response[];
		expect(responses).toHaveLength(8);
		const resumeMs = responses[responses.length - 1].final_audio_proc_ms;
		expect(resumeMs).toBeGreaterThan(0);
		expect(emulator.ctx.ledger).toHaveLength(0);

		// New session: its times start at 0 for the resent audio; add the offset to stitch.
		const second = await session(pcmConfig);
		await streamAll(second, chunksOf(PCM.subarray((resumeMs * 16000 * 2) / 1000), 3200));
		await second.closed;
		const before = finals(first.messages, (t) => !isMarker(t));
		const after = finals(second.messages, (t) => !isMarker(t)).map((t) => ({
			...t,
			start_ms: t.start_ms! + resumeMs,
		}));
		expect([...before, ...after].map((t) => t.text).join('')).toBe(TEXT);
		expect(after[0].start_ms).toBeGreaterThanOrEqual(resumeMs);
		expect(emulator.ctx.ledger).toHaveLength(1);
	});

	it('closes an idle session with a timeout error', async () => {
		const socket = await session(pcmConfig);
		socket.send(PCM.subarray(0, 3200));
		const closed = await socket.closed;
		expect(closed.code).toBe(1000);
		expect(socket.messages[socket.messages.length - 1]).toMatchObject({
			error_code: 408,
			error_type: 'request_timeout',
		});
		expect(emulator.ctx.ledger).toHaveLength(0);
	});

	it('keeps a session alive with keepalive messages', async () => {
		const socket = await session(pcmConfig);
		for (let i = 0; i < 4; i++) {
			await new Promise((resolve) => setTimeout(resolve, 500));
			socket.send(JSON.stringify({ type: 'keepalive' }));
		}
		await streamAll(socket, chunksOf(PCM, 3200));
		await socket.closed;
		expect(transcriptOf(socket.messages)).toBe(TEXT);
	});

	it('refuses audio sent far faster than real time when a pace limit is set', async () => {
		const paced = await startFakeServer({ realtimeMaxSpeedup: 2 });
		try {
			const long = makeWav({ durationMs: 20000 });
			const socket = await session(autoConfig, 'header', API_KEY, paced);
			for (const chunk of chunksOf(long, 32000)) socket.send(chunk);
			await socket.closed;
			expect(socket.messages[socket.messages.length - 1]).toMatchObject({
				error_code: 400,
				error_type: 'invalid_request',
			});
			expect(String(socket.messages[socket.messages.length - 1].error_message)).toMatch(
				/real time/,
			);
		} finally {
			await paced.close();
		}
	});
});

describe('real-time STT usage', () => {
	it('logs one transcribe_websocket entry for a finished session', async () => {
		const socket = await session({ ...autoConfig, client_reference_id: 'call-123' });
		await streamAll(socket, chunksOf(WAV, 8000));
		await socket.closed;
		expect(emulator.ctx.ledger).toHaveLength(1);
		expect(emulator.ctx.ledger[0]).toMatchObject({
			request_scope: 'api',
			kind: 'transcribe_websocket',
			model: 'stt-rt-v5',
			client_reference_id: 'call-123',
			input_audio_duration_ms: 6000,
			input_audio_tokens: audioTokensForDuration(6000),
			output_text_tokens: textTokensForText(TEXT),
			input_text_tokens: 0,
			output_audio_tokens: 0,
			output_audio_duration_ms: 0,
		});
	});

	it("applies a temporary key's client_reference_id rule", async () => {
		const bound = emulator.ctx.addTempKey({
			usageType: 'transcribe_websocket',
			clientReferenceId: 'user-9',
		});
		const unbound = emulator.ctx.addTempKey({
			usageType: 'transcribe_websocket',
			clientReferenceId: null,
		});
		for (const key of [bound, unbound]) {
			const socket = await session(
				{ ...autoConfig, client_reference_id: 'ignored' },
				'message',
				key,
			);
			await streamAll(socket, [WAV]);
			await socket.closed;
		}
		expect(emulator.ctx.ledger.map((entry) => entry.client_reference_id)).toEqual(['user-9', '']);
	});

	it('logs nothing when the client leaves before the end', async () => {
		const socket = await session(autoConfig);
		socket.send(WAV.subarray(0, 20000));
		await socket.waitFor(() => true);
		socket.close();
		await socket.closed;
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(emulator.ctx.ledger).toHaveLength(0);
		expect(emulator.ctx.slotsInUse.transcribe).toBe(0);
	});
});
