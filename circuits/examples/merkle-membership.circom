pragma circom 2.1.0;

// Example market circuit: membership of a leaf in a Poseidon Merkle tree of depth 10.
// Public input: root. Private inputs: leaf, the sibling path and the left/right bits.
include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/mux1.circom";

template MerkleMembership(depth) {
    signal input root;
    signal input leaf;
    signal input siblings[depth];
    signal input isRight[depth];

    component hashers[depth];
    component left[depth];
    component right[depth];
    signal level[depth + 1];
    level[0] <== leaf;
    for (var i = 0; i < depth; i++) {
        isRight[i] * (1 - isRight[i]) === 0;
        left[i] = Mux1();
        left[i].c[0] <== level[i];
        left[i].c[1] <== siblings[i];
        left[i].s <== isRight[i];
        right[i] = Mux1();
        right[i].c[0] <== siblings[i];
        right[i].c[1] <== level[i];
        right[i].s <== isRight[i];
        hashers[i] = Poseidon(2);
        hashers[i].inputs[0] <== left[i].out;
        hashers[i].inputs[1] <== right[i].out;
        level[i + 1] <== hashers[i].out;
    }
    root === level[depth];
}

component main {public [root]} = MerkleMembership(10);
