/**
 * The key the checked-in histories (test/replay/histories) were sealed with by the payload codec when they
 * were recorded: a test fixture only, never a deployment's key (ENCRYPTION_KEYS); their secrets are test data.
 */
export const replayFixtureKeys = 'replay-fixture:Q2cBQ6ySr/46RLTKudqmYcaKccene1krzJLP75obeQo=';
