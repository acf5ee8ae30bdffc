import { requireRestAuth, type Router } from '../http';
import type { EmulatorState } from '../state';

export function registerModelRoutes(router: Router, state: EmulatorState) {
	router.add('GET', '/v1/models', ({ req }) => {
		requireRestAuth(state, req);
		return { models: state.sttModels() };
	});

	router.add('GET', '/v1/tts-models', ({ req }) => {
		requireRestAuth(state, req);
		return { models: state.ttsModels() };
	});
}
