pragma circom 2.1.0;
include "posw.circom";
// The small variant for fast tests: about 2^10 constraints.
component main {public [challenge, address, nonce]} = PoSW(3);
