/**
 * Errors that map to CLI exit codes. Anything a user can fix (bad flags, bad files,
 * unknown labels) is a UsageError/InputError → exit 2 with a message naming the
 * file, line and field. A failed robustness gate is exit 1. Everything else is a bug.
 */

export const EXIT_OK = 0;
export const EXIT_GATE_FAILED = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface InputLocation {
  file?: string;
  /** 1-based line or record number */
  line?: number;
  field?: string;
}

/** Bad input data: the message always says where. */
export class InputError extends UsageError {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
  constructor(message: string, where: InputLocation = {}) {
    const at = [where.file, where.line !== undefined ? `line ${where.line}` : undefined]
      .filter(Boolean)
      .join(':');
    const field = where.field !== undefined ? ` (field "${where.field}")` : '';
    super(at ? `${at}${field}: ${message}` : `${message}${field}`);
    this.name = 'InputError';
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
  }
}

/** A model backend failed in a way retries could not fix; partial results are not reported. */
export class ModelError extends Error {
  readonly exitCode = EXIT_USAGE;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelError';
  }
}
