"""The stash layer: the only one that speaks GraphQL. The operations (the 15, and the tasks'
batch reads and writes), the documents and selections, the batches of aliased mutations, the
models, and the one connection to Stash. Imports the common layer only."""
