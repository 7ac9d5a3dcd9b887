pragma circom 2.1.0;
include "posw.circom";
// The puzzle circuit: about 2^14 constraints.
component main {public [challenge, address, nonce]} = PoSW(64);
