/** Process exit codes of the verifier CLI. */
export const EXIT_VERIFIED = 0;
export const EXIT_VERIFICATION_FAILED = 1;
/** Bad command line, or a bundle or key that cannot be read at all. */
export const EXIT_USAGE_OR_UNREADABLE = 2;
