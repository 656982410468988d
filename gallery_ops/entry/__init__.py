"""The entry layer: stdin to a handler. `dispatch` reads the PluginInput and picks one handler
(`registry`: tasks and hooks by name; `plugin_operations`: the 15 operations by name); the
answer is one JSON object on stdout. Imports every layer below; nothing imports it."""
