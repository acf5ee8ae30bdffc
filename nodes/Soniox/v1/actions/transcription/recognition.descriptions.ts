// Recognition options both transcribe operations share (language hints, diarization, context, translation),
// as fields and as the API's config object.
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkText, readBoolean, readChoice } from '../../helpers/parameterValues';

const translationTypeField: INodeProperties = {
	displayName: 'Translation',
	name: 'translationType',
	type: 'options',
	options: [
		{ name: 'None', value: 'none' },
		{ name: 'One-Way (Into One Language)', value: 'one_way' },
		{ name: 'Two-Way (Between Two Languages)', value: 'two_way' },
	],
	default: 'none',
	description: 'Whether to translate, and how: choose this first, then the languages',
};

export const recognitionOptionsField: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Context Terms',
			name: 'contextTerms',
			type: 'string',
			default: '',
			placeholder: 'e.g. Soniox, Celebrex, Zyrtec',
			description: 'Comma-separated names and terms the audio may contain, to spell them right',
		},
		{
			displayName: 'Context Text',
			name: 'contextText',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			description:
				'Background text about the audio (a meeting agenda, prior notes) that helps recognition',
		},
		{
			displayName: 'Context Topics (General Context)',
			name: 'contextGeneral',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			placeholder: 'Add Topic',
			description: 'Key/value facts about the audio, e.g. domain = medicine',
			options: [
				{
					displayName: 'Topic',
					name: 'entries',
					values: [
						{ displayName: 'Key', name: 'key', type: 'string', default: '' },
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
		{
			displayName: 'Context Translation Terms',
			name: 'contextTranslationTerms',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			placeholder: 'Add Term',
			description: 'How to translate particular names or terms (used with translation)',
			options: [
				{
					displayName: 'Term',
					name: 'entries',
					values: [
						{ displayName: 'Source', name: 'source', type: 'string', default: '' },
						{ displayName: 'Target', name: 'target', type: 'string', default: '' },
					],
				},
			],
		},
		{
			displayName: 'Identify Languages (Language Identification)',
			name: 'enableLanguageIdentification',
			type: 'boolean',
			default: false,
			description: 'Whether to tag every token with the language it is spoken in',
		},
		{
			displayName: 'Language Hints',
			name: 'languageHints',
			type: 'string',
			default: '',
			placeholder: 'e.g. en, de',
			description: 'Comma-separated ISO 639-1 codes of the languages expected in the audio',
		},
		{
			displayName: 'Only Hinted Languages (Strict Language Hints)',
			name: 'languageHintsStrict',
			type: 'boolean',
			default: false,
			description: 'Whether to rely on the language hints strictly (for models that support it)',
		},
		{
			displayName: 'Separate Speakers (Speaker Diarization)',
			name: 'enableSpeakerDiarization',
			type: 'boolean',
			default: false,
			description: 'Whether to tell speakers apart and tag every token with its speaker number',
		},
		{
			displayName: 'Translate Between',
			name: 'translationLanguagePair',
			type: 'string',
			default: '',
			placeholder: 'e.g. en, es',
			description: 'For two-way translation: the two ISO 639-1 codes, comma-separated',
		},
		{
			displayName: 'Translate Into',
			name: 'translationTargetLanguage',
			type: 'string',
			default: '',
			placeholder: 'e.g. fr',
			description: 'For one-way translation: the ISO 639-1 code of the target language',
		},
		translationTypeField,
	],
};

const listOf = (value: string) =>
	value
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);

function optionField(name: string): INodeProperties {
	const field = (recognitionOptionsField.options as INodeProperties[]).find(
		(option) => option.name === name,
	);
	if (!field) throw new Error(`Options has no field ${name}`);
	return field;
}

/** The recognition config both operations send, in the API's names; checked before any request. */
export function recognitionConfig(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const raw = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const config: IDataObject = {};
	const fail = (message: string, description: string) => {
		throw new NodeOperationError(this.getNode(), message, { itemIndex, description });
	};
	// Every text option is text before anything is sent: an object would reach Soniox as
	// "[object Object]", after a binary's upload was already paid for.
	const text = (name: string) =>
		checkText(this, itemIndex, optionField(name).displayName, raw[name], {
			hint: 'Enter text, or map a text value.',
		});
	const options: IDataObject &
		Record<'languageHints' | 'contextTerms' | 'contextText', string> & {
			translationTargetLanguage: string;
			translationLanguagePair: string;
		} = {
		...raw,
		languageHints: text('languageHints'),
		contextTerms: text('contextTerms'),
		contextText: text('contextText'),
		translationTargetLanguage: text('translationTargetLanguage'),
		translationLanguagePair: text('translationLanguagePair'),
	};
	const hints = listOf(options.languageHints);
	if (hints.some((hint) => !/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/.test(hint))) {
		fail(
			`Language Hints of item ${itemIndex} must be language codes, not "${String(options.languageHints)}"`,
			'Use ISO 639-1 codes separated by commas, e.g. en, de.',
		);
	}
	if (hints.length) config.language_hints = hints;
	const flag = (name: string) => readBoolean(this, itemIndex, optionField(name), raw[name]);
	if (flag('languageHintsStrict')) config.language_hints_strict = true;
	if (flag('enableSpeakerDiarization')) config.enable_speaker_diarization = true;
	if (flag('enableLanguageIdentification')) config.enable_language_identification = true;

	const context: IDataObject = {};
	const general =
		((options.contextGeneral as IDataObject | undefined)?.entries as IDataObject[] | undefined) ??
		[];
	const entryText = (label: string, value: unknown) =>
		checkText(this, itemIndex, label, value, { hint: 'Enter text, or map a text value.' });
	if (general.length) {
		context.general = general.map(({ key, value }) => ({
			key: entryText(`${optionField('contextGeneral').displayName}: Key`, key),
			value: entryText(`${optionField('contextGeneral').displayName}: Value`, value),
		}));
	}
	if (options.contextText) context.text = String(options.contextText);
	if (listOf(options.contextTerms).length) context.terms = listOf(options.contextTerms);
	const translationTerms =
		((options.contextTranslationTerms as IDataObject | undefined)?.entries as
			IDataObject[] | undefined) ?? [];
	if (translationTerms.length) {
		context.translation_terms = translationTerms.map(({ source, target }) => ({
			source: entryText('Context Translation Terms: Source', source),
			target: entryText('Context Translation Terms: Target', target),
		}));
	}
	if (Object.keys(context).length) config.context = context;

	const translation = readChoice(
		this,
		itemIndex,
		translationTypeField,
		raw.translationType ?? 'none',
	);
	const targets =
		options.translationTargetLanguage.trim() || options.translationLanguagePair.trim();
	if (translation === 'none' && targets) {
		fail(
			`Translation of item ${itemIndex} is None, but languages to translate are set`,
			'Choose One-Way or Two-Way under Translation, or remove Translate Into and Translate Between.',
		);
	}
	if (translation === 'one_way') {
		const target = options.translationTargetLanguage.trim();
		if (!target)
			fail(
				`Translate Into of item ${itemIndex} is empty`,
				'Give the language code to translate into, e.g. fr.',
			);
		config.translation = { type: 'one_way', target_language: target };
	} else if (translation === 'two_way') {
		const pair = listOf(options.translationLanguagePair);
		if (pair.length !== 2)
			fail(
				`Translate Between of item ${itemIndex} needs exactly two language codes`,
				'For example: en, es.',
			);
		config.translation = { type: 'two_way', language_a: pair[0], language_b: pair[1] };
	}
	return config;
}
