pragma circom 2.1.0;

// Example market circuit: knowledge of a preimage of a Poseidon hash.
// Public input: hash. Private input: preimage.
include "circomlib/circuits/poseidon.circom";

template PoseidonPreimage() {
    signal input preimage;
    signal input hash;
    component h = Poseidon(1);
    h.inputs[0] <== preimage;
    hash === h.out;
}

component main {public [hash]} = PoseidonPreimage();
