// msgpackr wraps this require in try/catch and falls back to pure JavaScript.
throw new Error('msgpackr-extract native acceleration is not installed (see vendor/msgpackr-extract-disabled/package.json)');
