"""What the tests share: the plugin's buttons as the manifest names them (manifest.py), the
simulator's state read in-process (state.py), the sample library's galleries and images by path
(library.py), and an interpreter that records what each plugin process imported (python.py).

The simulator's state is read with `sim.gql` (in-process: never logged, never faulted), so
`sim.requests` holds exactly what the plugin sent.
"""
