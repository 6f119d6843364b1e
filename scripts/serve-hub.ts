// A Hugging Face Hub on 127.0.0.1 serving a BERT and a ResNet-50 repository in the Hub's format (config.json,
// safetensors weights, tokenizer or preprocessor config; weights not pretrained), to try the Hub paths offline:
//
//   npm run serve-hub                      # prints the HF_ENDPOINT to use, serves until Ctrl-C
//   HF_ENDPOINT=http://127.0.0.1:PORT MODEL_NAME=local/bert MAX_LENGTH=64 BATCH_SIZE=2 npx inferbench run
//   HF_ENDPOINT=http://127.0.0.1:PORT npx inferbench run --model local/resnet-50
import { serveFakeHub } from '../test/helpers/fake-hub.js';
import { bertRepo, resnet50Repo } from './workshop-hub-repos.js';

const hub = await serveFakeHub({ repos: [bertRepo('local/bert', 'b'.repeat(40)), resnet50Repo('local/resnet-50', 'c'.repeat(40))] });
console.log(`Serving local/bert and local/resnet-50. In another shell:\n  export HF_ENDPOINT=${hub.url}\nCtrl-C ends it.`);
process.once('SIGINT', () => void hub.close().then(() => process.exit(0)));
