#!/usr/bin/env node
// Entry point: registers the TypeScript loader (tsx) and runs the CLI.
import './polyfill.mjs';
import { register } from 'tsx/esm/api';

register();
await import('../node/cli/main.ts');
