"""Payment pages, thin: each module is one subject (checkout, the backer's backings and receipts, subscription
management, the team's funding dashboard and payouts, Stripe's webhook); the work is in the modules of the
same names one level up."""
