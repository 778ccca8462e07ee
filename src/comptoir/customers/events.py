CUSTOMER_REGISTERED = "customer.registered"
