"""This app's stacks and charts, composed from the ``eks_envelope_secrets`` library."""
