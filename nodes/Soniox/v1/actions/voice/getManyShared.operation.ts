import { updateDisplayOptions } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { checkText, readChoice } from '../../helpers/parameterValues';
import { listItems } from '../../transport';
import { readLimit, returnAllFields } from '../common.descriptions';

/** Soniox returns at most 200 shared voices a page. */
const MAX_PAGE_SIZE = 200;

const genderField: INodeProperties = {
	displayName: 'Gender',
	name: 'gender',
	type: 'options',
	options: [
		{ name: 'Any', value: '' },
		{ name: 'Female', value: 'female' },
		{ name: 'Male', value: 'male' },
		{ name: 'Neutral', value: 'neutral' },
	],
	default: '',
};

const ageField: INodeProperties = {
	displayName: 'Age',
	name: 'age',
	type: 'options',
	options: [
		{ name: 'Any', value: '' },
		{ name: 'Young', value: 'young' },
		{ name: 'Middle-Aged', value: 'middle_aged' },
		{ name: 'Old', value: 'old' },
	],
	default: '',
};

/** The text filters: the field, its label, and the query parameter Soniox takes. */
const TEXT_FILTERS = [
	['accent', 'Accent', 'accent'],
	['useCase', 'Use Cases', 'use_case'],
	['style', 'Styles', 'style'],
] as const;

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['voice'], operation: ['getManyShared'] } },
	[
		{
			displayName: 'Model Name or ID',
			name: 'model',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getTtsModels' },
			default: 'tts-rt-v2',
			required: true,
			description:
				'The text-to-speech model whose voices to list. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		...returnAllFields,
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				{
					displayName: 'Accent',
					name: 'accent',
					type: 'string',
					default: '',
					placeholder: 'e.g. british',
				},
				ageField,
				genderField,
				{
					displayName: 'Styles',
					name: 'style',
					type: 'string',
					default: '',
					placeholder: 'e.g. warm, calm',
					description: 'Only voices tagged with every one of these styles, separated by commas',
				},
				{
					displayName: 'Use Cases',
					name: 'useCase',
					type: 'string',
					default: '',
					placeholder: 'e.g. narration',
					description: 'Only voices tagged with every one of these use cases, separated by commas',
				},
			],
		},
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const model = checkText(
		this,
		itemIndex,
		'Model Name or ID',
		this.getNodeParameter('model', itemIndex),
		{
			required: true,
			maxLength: 64,
			hint: 'Choose a model from the list, or map its ID, e.g. tts-rt-v2.',
		},
	).trim();
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = { model };
	const gender = readChoice(this, itemIndex, genderField, filters.gender ?? '');
	const age = readChoice(this, itemIndex, ageField, filters.age ?? '');
	if (gender) qs.gender = gender;
	if (age) qs.age = age;
	for (const [name, label, parameter] of TEXT_FILTERS) {
		const value = checkText(this, itemIndex, `Filters: ${label}`, filters[name], {
			maxLength: 200,
			hint: 'Enter text, several values separated by commas.',
		}).trim();
		if (value) qs[parameter] = value;
	}
	const limit = readLimit.call(this, itemIndex);
	const voices = await listItems.call(
		this,
		'/v1/shared-voices',
		'voices',
		qs,
		limit,
		MAX_PAGE_SIZE,
	);
	return voices.map((json) => ({ json }));
}
