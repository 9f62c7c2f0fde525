"""``python -m kolba_flask_bridge ...``: the ``flask`` command, whichever ``flask`` script pip
left in the environment's bin folder."""

from .cli import main

main()
