// The hidden context after "View" on each diploma card: as short as it can be, never shared.
import { expect, it } from 'vitest';
import { distinctLabels } from '../../src/portal/routes.tsx';

it('uses the first detail while it is unique, and adds details in order only where two items share it', () => {
  expect(
    distinctLabels([
      ['Diploma vwo, 2009', 'Superseded by a correction', 'Praedinius Gymnasium, Groningen'],
      ['Diploma vwo, 2009', 'Valid', 'Praedinius Gymnasium, Groningen'],
      ['Degree certificate Bachelor of Arts in Philosophy, 2012', 'Valid', 'Tilburg University, Tilburg'],
    ]),
  ).toEqual(['Diploma vwo, 2009, Superseded by a correction', 'Diploma vwo, 2009, Valid', 'Degree certificate Bachelor of Arts in Philosophy, 2012']);
});

it('numbers items that no detail tells apart, so no two labels are ever the same', () => {
  const labels = distinctLabels([['Diploma havo, 2015', 'Valid'], ['Diploma havo, 2015', 'Valid'], ['Diploma havo, 2015', 'Annulled']]);
  expect(labels).toEqual(['Diploma havo, 2015, Valid (1)', 'Diploma havo, 2015, Valid (2)', 'Diploma havo, 2015, Annulled']);
  expect(new Set(labels).size).toBe(3);
});
