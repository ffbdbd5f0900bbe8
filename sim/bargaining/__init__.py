"""Two-party bargaining: utility-set geometry and axiomatic solutions."""
