// jest's globalSetup: the environment of the tools the replays start. It runs in jest's own process
// before the workers start, so every child process inherits it (a setupFile would change only the
// test sandbox's copy of process.env, which a spawn without an `env` option never sees).
//
// GOGC: Terraform and its providers are Go programs; the AWS provider builds its whole schema
// (every resource type) each time Terraform starts it, up to three times per command, and spends
// about a third of that CPU in the garbage collector at Go's default of 100. At 400 a provider
// process uses ~20 % more memory (760 rather than 620 MB at its peak) and ~25 % less CPU
// (`terraform validate` of one moto workspace: 6.4 s user rather than 8.7 s; the log-group replay
// 106 s rather than 148 s of CPU), which is what the replays' two cores are short of. A GOGC
// already set by whoever runs the tests is kept.
"use strict";
module.exports = function toolEnv() {
  process.env.GOGC ??= "400";
};
