"""Everything only the demo needs: `seed_demo`, its organisation, sessions, reviews, mail and files.

Nothing else imports from here; the demo uses the apps' own services, so
what it shows is what the product does.
"""
