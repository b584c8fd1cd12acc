-- The plan is carried on from wave to wave (docs/workflow.md): a step of a
-- next wave names the step of the wave before it continues (carried_from;
-- no foreign key, so the earlier wave's history stays readable), and
-- re-targeting from the new results leaves a note on it ("Target reached
-- in wave 2 …") instead of changing its status.
ALTER TABLE plan_steps ADD COLUMN carried_from BIGINT;
ALTER TABLE plan_steps ADD COLUMN note TEXT NOT NULL DEFAULT '';
