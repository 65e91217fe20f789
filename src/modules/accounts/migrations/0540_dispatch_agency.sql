-- 0540: the dispatching agency (派遣元) of a dispatched employee (派遣社員), so the programme
-- knows which company to contact about training, pledges and the end of the contract.
ALTER TABLE users ADD COLUMN dispatch_agency TEXT;
