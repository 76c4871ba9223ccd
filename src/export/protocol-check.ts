import type { Catalogue, Protocol } from '../catalogue/catalogue.js';
import { isStratalignError, StratalignError, type ErrorLocation } from '../shared/errors.js';
import type { SampleRecord } from '../recordings/types.js';

/** What the manifest says about the protocol the exported samples were collected under. */
export type ProtocolRecord = {
  /** The protocol every example's prompt is rendered with (--protocol). */
  exported: string;
  /** Selected samples that recorded the protocol they were collected under (all of them equal to `exported`). */
  recorded: number;
  /** Selected samples that did not record one (older recordings, hand-made files): assumed to match. */
  unrecorded: number;
};

/**
 * An example pairs the prompt rendered under --protocol with the answer the model gave to the
 * prompt it was actually asked. A reasoned answer under the letter-only prompt ("answer with one
 * letter" followed by paragraphs) teaches the student the wrong thing, silently; so a selected
 * sample that recorded another protocol stops the export, naming its line.
 */
export class ProtocolCheck {
  private recorded = 0;
  private unrecorded = 0;

  constructor(
    private readonly protocol: Protocol,
    private readonly catalogue: Catalogue,
  ) {}

  check(sample: SampleRecord, where: ErrorLocation): void {
    const given = sample.provenance.protocol;
    if (given === undefined || given === null) {
      this.unrecorded++;
      return;
    }
    const field = `${where.field ?? 'sample'}, field provenance.protocol`;
    let recorded: Protocol;
    try {
      recorded = this.catalogue.protocol(String(given), { ...where, field });
    } catch (err) {
      if (!isStratalignError(err)) throw err;
      const problem = 'the sample records a protocol the catalogue does not know';
      const fix = `export samples collected under a known protocol; ${err.fix}`;
      throw new StratalignError({ ...where, field, value: given }, problem, fix);
    }
    if (recorded.id !== this.protocol.id) {
      const [ran, asked] = [recorded.id, this.protocol.id];
      throw new StratalignError(
        { ...where, field, value: ran },
        `the sample was collected under protocol ${ran}, but --protocol is ${asked}: ` +
          `each example would pair the ${asked} prompt with an answer written for the ${ran} one`,
        `export with --protocol ${ran} (the protocol of the run), or select samples collected under ${asked}; ` +
          'nothing was written',
      );
    }
    this.recorded++;
  }

  summary(): ProtocolRecord {
    return { exported: this.protocol.id, recorded: this.recorded, unrecorded: this.unrecorded };
  }
}
