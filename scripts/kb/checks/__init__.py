"""`kb check`: every content check, one module per rule group.

The registry (kb.checks.registry.CHECKS) lists every check with its rules;
`kb check --list-rules` and the rule section of CONTRIBUTING.md are made from it.
This file imports nothing, so the build hooks can use one module cheaply.
"""
