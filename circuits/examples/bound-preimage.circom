pragma circom 2.1.0;

// Example race-mode market circuit (docs/market.md §race): knowledge of a Poseidon preimage, bound
// to the prover that proves it. Public inputs: hash, prover (the prover's address as a field
// element). Private input: preimage. The square of `prover` is a constraint that does nothing but
// keep `prover` in the proof: an unconstrained public input would let anyone re-use the proof under
// another address (Groth16 proofs are malleable; Tornado Cash binds its recipient the same way).
include "circomlib/circuits/poseidon.circom";

template BoundPreimage() {
    signal input preimage;
    signal input hash;
    signal input prover;
    component h = Poseidon(1);
    h.inputs[0] <== preimage;
    hash === h.out;
    signal proverSquare;
    proverSquare <== prover * prover;
}

component main {public [hash, prover]} = BoundPreimage();
