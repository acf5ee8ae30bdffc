// The processing forecast is shared by every workflow in the n8n process, so it must stay small
// whatever models expressions name, and forecast from what it learnt.
import { ProcessingForecast } from '../../nodes/Soniox/v1/helpers/processingForecast';

describe('ProcessingForecast', () => {
	it('knows nothing before a job finished', () => {
		expect(new ProcessingForecast().forecastMs('stt-async-v5', 60_000)).toBeUndefined();
	});

	it('fits fixed plus per-audio cost from finished jobs', () => {
		const forecast = new ProcessingForecast();
		// 1 s fixed + 0.1 ms per audio ms.
		for (const audioMs of [10_000, 60_000, 120_000]) {
			forecast.remember('m', { audioMs, processingMs: 1000 + audioMs / 10, weight: 1 });
		}
		expect(forecast.forecastMs('m', 600_000)).toBeCloseTo(61_000, 0);
		expect(forecast.forecastMs('other', 600_000)).toBeUndefined();
	});

	it('scales by the audio when every job had the same length, and survives silent jobs', () => {
		const forecast = new ProcessingForecast();
		forecast.remember('m', { audioMs: 10_000, processingMs: 2000, weight: 1 });
		expect(forecast.forecastMs('m', 20_000)).toBe(4000);
		forecast.remember('empty', { audioMs: 0, processingMs: 300, weight: 1 });
		expect(forecast.forecastMs('empty', 20_000)).toBe(300);
	});

	it('keeps only the newest samples of a model', () => {
		const forecast = new ProcessingForecast(4, 2);
		forecast.remember('m', { audioMs: 10_000, processingMs: 100_000, weight: 1 });
		forecast.remember('m', { audioMs: 10_000, processingMs: 1000, weight: 1 });
		forecast.remember('m', { audioMs: 10_000, processingMs: 1000, weight: 1 });
		expect(forecast.forecastMs('m', 10_000)).toBe(1000);
	});

	it('holds at most its number of models, forgetting the one used least recently', () => {
		const forecast = new ProcessingForecast(3, 4);
		const sample = { audioMs: 1000, processingMs: 100, weight: 1 };
		for (const model of ['a', 'b', 'c']) forecast.remember(model, sample);
		forecast.remember('a', sample);
		for (let index = 0; index < 1000; index++)
			forecast.remember(`from-expression-${index}`, sample);
		expect(forecast.size).toBe(3);
		forecast.remember('x', sample);
		forecast.remember('y', sample);
		forecast.remember('x', sample);
		forecast.remember('z', sample);
		forecast.remember('w', sample);
		// y was used before x was used again: y goes, x stays.
		expect(forecast.forecastMs('y', 1000)).toBeUndefined();
		expect(forecast.forecastMs('x', 1000)).toBe(100);
		expect(forecast.forecastMs('z', 1000)).toBe(100);
	});
});
