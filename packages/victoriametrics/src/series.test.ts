import { describe, expect, it } from 'vitest';
import { anyOf, selectorFor } from './series';

describe('selectorFor', () => {
  it('quotes and escapes every value', () => {
    expect(selectorFor({ instance: 'db-1:9100', job: 'say "hi"\\' }, ['__name__!~".*_total"'])).toBe('{instance="db-1:9100", job="say \\"hi\\"\\\\", __name__!~".*_total"}');
  });
});

describe('anyOf', () => {
  it('matches each value literally, regex metacharacters included', () => {
    expect(anyOf('service', ['a.b', 'PetAdoption/prod_AWS::ApiGateway::Stage', 'x|y'])).toBe(
      String.raw`service=~"a\\.b|PetAdoption/prod_AWS::ApiGateway::Stage|x\\|y"`,
    );
  });
});
