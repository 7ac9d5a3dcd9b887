pragma circom 2.1.0;

// Quarry's proof-of-succinct-work puzzle (docs/puzzle.md).
// Public inputs: the epoch challenge, the prover's address as a field element, and a nonce.
// seed = Poseidon(challenge, address, nonce); then a chain x_{i+1} = Poseidon(x_i, i) of
// `rounds` steps. Every wire of every step depends on the seed, hence on the nonce, so no work
// carries over from one nonce to the next (A, B and C change completely). The last link is
// the public output `digest`, which keeps the whole chain in the constraint system.
include "circomlib/circuits/poseidon.circom";

template PoSW(rounds) {
    signal input challenge;
    signal input address;
    signal input nonce;
    signal output digest;

    component seed = Poseidon(3);
    seed.inputs[0] <== challenge;
    seed.inputs[1] <== address;
    seed.inputs[2] <== nonce;

    component step[rounds];
    signal link[rounds + 1];
    link[0] <== seed.out;
    for (var i = 0; i < rounds; i++) {
        step[i] = Poseidon(2);
        step[i].inputs[0] <== link[i];
        step[i].inputs[1] <== i + 1;
        link[i + 1] <== step[i].out;
    }
    digest <== link[rounds];
}
