/** Bad input from the user (config, corpus, tokenizer, data shape): the CLI reports it in one line with exit code 2. */
export class InputError extends Error {
  override name = 'InputError';
}
