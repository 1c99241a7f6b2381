"""Payment pages, thin: each module is one subject (checkout, the backer's backings and receipts, subscription
management, the team's funding dashboard and payouts, Stripe's webhook); the work is in the modules of the
same names one level up."""


def with_retry_after(response):
    """A 503 (Stripe did not answer; the form is shown again with what the person typed) tells clients and proxies
    when trying again makes sense."""
    if response.status_code == 503:
        response["Retry-After"] = "30"
    return response
