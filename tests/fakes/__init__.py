"""Fakes of the network peers, and nothing else: Twilio's Messages API and a mail relay."""
