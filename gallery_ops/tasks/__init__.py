"""The tasks layer: one module per task (its pure plan, and its fold for big galleries), the
engine that runs every task (read a page, plan, apply, report), the change records and the
report. Imports the stash and common layers; never speaks GraphQL itself."""
