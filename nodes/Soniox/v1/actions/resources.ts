// Every resource of the node, in the order the editor lists them. Adding a resource means
// one import and one entry here; the description and the router are derived from this list.
import * as account from './account/Account.resource';
import * as file from './file/File.resource';
import * as model from './model/Model.resource';
import * as organization from './organization/Organization.resource';
import * as speech from './speech/Speech.resource';
import * as temporaryKey from './temporaryKey/TemporaryKey.resource';
import * as transcription from './transcription/Transcription.resource';
import * as usage from './usage/Usage.resource';
import * as voice from './voice/Voice.resource';

export const resources = {
	transcription,
	file,
	speech,
	voice,
	temporaryKey,
	usage,
	account,
	organization,
	model,
};
