//! An engine wrapper that counts the instructions of every inference and logs them over
//! semihosting, with the latency they mean on the 480 MHz board.

use cortex_m_semihosting::hprintln;
use firmware::{Engine, Inference};
use shared::preprocess::ModelInput;

use crate::instruction_clock::{BOARD_CORE_HZ, InstructionCounter, board_milliseconds};

/// Runs `E` and logs `inference <n>: <instructions> instructions, ~<ms> ms at 480 MHz`.
pub struct MeteredEngine<E> {
    engine: E,
    counter: InstructionCounter,
    inferences: u32,
}

impl<E: Engine> MeteredEngine<E> {
    /// Meters `engine` with `counter`.
    pub fn new(engine: E, counter: InstructionCounter) -> MeteredEngine<E> {
        MeteredEngine {
            engine,
            counter,
            inferences: 0,
        }
    }
}

impl<E: Engine> Engine for MeteredEngine<E> {
    type Error = E::Error;

    fn model_sha256(&self) -> &[u8; 32] {
        self.engine.model_sha256()
    }

    fn infer(&mut self, input: &ModelInput) -> Result<Inference, E::Error> {
        let started = self.counter.instructions();
        let inference = self.engine.infer(input);
        let instructions = self.counter.instructions().saturating_sub(started);

        let ms = board_milliseconds(instructions);
        let mhz = BOARD_CORE_HZ / 1_000_000;
        hprintln!(
            "inference {}: {} instructions, ~{} ms at {} MHz",
            self.inferences,
            instructions,
            ms,
            mhz
        );
        self.inferences = self.inferences.wrapping_add(1);
        inference
    }
}
